"""Jitsi telemetry to CloudWatch without a collector: JVB and jicofo stats as EMF lines.

Standard library only, so it runs unchanged in AWS Lambda and packages without Docker.
"""
