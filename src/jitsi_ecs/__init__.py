"""jitsi-ecs: Jitsi Meet on ECS Fargate, deployed, verified and kept within budget.

The version is pyproject.toml's, read from the installed package's metadata
(`jitsi-ecs --version`); this file also goes into the Lambda zips, so it stays this short.
"""
