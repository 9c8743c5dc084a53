"""The AWS-managed ADOT Python layer (AWSOpenTelemetryDistroPython) per region, pinned.

The aws target gives the /auth/ function this layer; its wrapper (/opt/otel-instrument) loads the
ADOT Python distro. Layer versions differ per region and move with each ADOT Python release, so
they are pinned here, not looked up at deploy time.

Source: the ADOT documentation site's layer table, aws-otel/aws-otel.github.io
src/config/lambdaLayerArns.js, python tab, at commit e256b2e4 (2026-07-20); the Python entries
were last updated by aedf6696 "Update Lambda layer ARNs for Python release v0.18.0"
(2026-06-30, PR #839, taken from the aws-otel-python-instrumentation release build). To move to
a newer release, copy the python tab of that file (or run `aws lambda list-layer-versions
--layer-name AWSOpenTelemetryDistroPython` with the publishing account's ARN per region).
"""

from __future__ import annotations

ADOT_PYTHON_RELEASE = "v0.18.0"
LAYER_NAME = "AWSOpenTelemetryDistroPython"

# region -> (publishing account, layer version)
ADOT_PYTHON_LAYERS: dict[str, tuple[str, int]] = {
    "af-south-1": ("904233096616", 23),
    "ap-east-1": ("888577020596", 23),
    "ap-east-2": ("412664885777", 4),
    "ap-northeast-1": ("615299751070", 26),
    "ap-northeast-2": ("615299751070", 26),
    "ap-northeast-3": ("615299751070", 26),
    "ap-south-1": ("615299751070", 26),
    "ap-south-2": ("796973505492", 23),
    "ap-southeast-1": ("615299751070", 25),
    "ap-southeast-2": ("615299751070", 26),
    "ap-southeast-3": ("039612877180", 23),
    "ap-southeast-4": ("713881805771", 23),
    "ap-southeast-5": ("152034782359", 14),
    "ap-southeast-6": ("313828097273", 3),
    "ap-southeast-7": ("980416031188", 14),
    "ca-central-1": ("615299751070", 26),
    "ca-west-1": ("595944127152", 14),
    "cn-north-1": ("440179912924", 14),
    "cn-northwest-1": ("440180067931", 14),
    "eu-central-1": ("615299751070", 26),
    "eu-central-2": ("156041407956", 23),
    "eu-north-1": ("615299751070", 26),
    "eu-south-1": ("257394471194", 23),
    "eu-south-2": ("490004653786", 23),
    "eu-west-1": ("615299751070", 26),
    "eu-west-2": ("615299751070", 26),
    "eu-west-3": ("615299751070", 26),
    "il-central-1": ("746669239226", 23),
    "me-central-1": ("739275441131", 22),
    "mx-central-1": ("610118373846", 14),
    "sa-east-1": ("615299751070", 26),
    "us-east-1": ("615299751070", 29),
    "us-east-2": ("615299751070", 26),
    "us-west-1": ("615299751070", 33),
    "us-west-2": ("615299751070", 33),
}


def layer_arn(region: str) -> str | None:
    """The pinned layer's ARN in region (None: no layer is published there)."""
    if region not in ADOT_PYTHON_LAYERS:
        return None
    account, version = ADOT_PYTHON_LAYERS[region]
    partition = "aws-cn" if region.startswith("cn-") else "aws"
    return f"arn:{partition}:lambda:{region}:{account}:layer:{LAYER_NAME}:{version}"
