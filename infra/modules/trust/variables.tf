# No inputs: the documents depend only on the partition, region and account the provider is in.
