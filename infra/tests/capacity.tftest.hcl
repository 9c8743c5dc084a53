# Module capacity: where an ECS service's tasks run (the Spot rule). Offline (no provider calls).

run "spot_keeps_one_task_on_demand" {
  command = plan

  module {
    source = "./modules/capacity"
  }

  variables {
    spot = true
  }

  assert {
    condition     = output.launch_type == null && [for s in output.strategy : "${s.provider}:${s.base}:${s.weight}"] == ["FARGATE:1:0", "FARGATE_SPOT:0:1"]
    error_message = "with Spot: one task always on demand (base 1), the rest on Fargate Spot, no launch type"
  }
}

run "on_demand_without_spot" {
  command = plan

  module {
    source = "./modules/capacity"
  }

  variables {
    spot = false
  }

  assert {
    condition     = output.launch_type == "FARGATE" && length(output.strategy) == 0
    error_message = "without Spot: launch type FARGATE and no strategy"
  }
}
