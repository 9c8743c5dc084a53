# Where an ECS service's tasks run. Every ECS service in the stack (jitsi, service) takes its
# launch type and capacity provider strategy from here, so the Spot rule is written once:
# one task always on demand (base), the rest on Spot (up to 70% cheaper; AWS may reclaim a
# Spot task with two minutes' notice).
locals {
  strategy = var.spot ? [
    { provider = "FARGATE", base = 1, weight = 0 },
    { provider = "FARGATE_SPOT", base = 0, weight = 1 },
  ] : []
}
