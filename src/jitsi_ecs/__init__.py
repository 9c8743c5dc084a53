"""jitsi-ecs: Jitsi Meet on ECS Fargate, deployed, verified and kept within budget."""

__version__ = "0.1.0"
