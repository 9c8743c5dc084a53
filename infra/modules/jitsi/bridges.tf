# The bridges beyond their own container: the guard that keeps ECS from stopping a bridge
# with meetings (guard.sh says how), the task role it needs, and the bridge-to-bridge relay.

locals {
  # Fargate's maximum: how long ECS lets a stopping container run after SIGTERM.
  stop_timeout = 120

  # The shard's bridge shares its task with jicofo (guard.sh, GUARD_SHARD): it stops at once
  # with the task, and it is healed in place instead of replacing web and signaling.
  in_shard = { for k, s in local.services : k => contains(s.containers, "jicofo") }
  # How ECS restarts the shard's bridge when it exits: after at least a minute of running
  # (Fargate's shortest period; a container that exits sooner is not restarted).
  shard_bridge_restart = { enabled = true, restartAttemptPeriod = 60 }

  guard_container = { for svc, s in local.services : svc => {
    name      = "guard"
    image     = local.images["jvb"] # sh, curl, sed: nothing else to pull or build
    essential = false
    # The script is the command, run by sh as the container's PID 1 (it traps SIGTERM).
    entryPoint = ["/bin/sh", "-c"]
    command    = [file("${path.module}/guard.sh")]
    environment = [for k, v in {
      # Renewed every half of it; lapses by itself this long after the guard or bridge dies.
      GUARD_PROTECTION_MINUTES = "10"
      # Moving the participants of a stopping bridge must end before ECS kills the guard.
      GUARD_STOP_SECONDS = tostring(local.stop_timeout - 15)
      GUARD_SHARD        = local.in_shard[svc] ? "1" : "0"
    } : { name = k, value = v }]
    secrets = []
    # Started after jvb, so ECS stops it before jvb (shutdown runs in reverse dependency
    # order): the guard gets SIGTERM first and moves the meetings while the bridge still runs.
    dependsOn              = [{ containerName = "jvb", condition = "START" }]
    stopTimeout            = local.stop_timeout
    readonlyRootFilesystem = true # it writes nothing, on either image line
    logConfiguration       = { logDriver = "awslogs", options = merge(local.log_options, { "awslogs-stream-prefix" = "guard" }) }
  } if contains(s.containers, "jvb") }

  # One meeting may span bridges: relays (Octo) on in jicofo and every bridge, in one region.
  # jicofo's default strategy (SingleBridgeSelectionStrategy) never splits a meeting;
  # IntraRegionBridgeSelectionStrategy keeps a meeting on its bridge and adds another bridge
  # only when that one is overloaded (stress, or MAX_BRIDGE_PARTICIPANTS of the meeting).
  relay_env = {
    jvb = var.relay ? { ENABLE_OCTO = "1", JVB_OCTO_REGION = var.region } : {}
    jicofo = var.relay ? {
      ENABLE_OCTO                    = "1"
      JICOFO_OCTO_REGION             = var.region
      OCTO_BRIDGE_SELECTION_STRATEGY = "IntraRegionBridgeSelectionStrategy"
    } : {}
  }
  # Every bridge needs a relay id of its own, and an ECS environment is the same for every
  # task: relay-id.sh takes the task's VPC address, then execs the image's /init.
  relay_entrypoint = var.relay ? { entryPoint = ["/bin/sh", "-c", file("${path.module}/relay-id.sh")] } : null
}

# ---------------------------------------------------------------- scale-in protection
# The guard sets scale-in protection through the ECS agent ($ECS_AGENT_URI), which calls these
# two actions with the task role: exactly these, on this cluster's tasks, for the services
# that run a bridge (the compact shard too).
resource "aws_iam_role_policy" "task_protection" {
  for_each = { for k, s in local.services : k => s if contains(s.containers, "jvb") }

  name = "own-task-scale-in-protection"
  role = aws_iam_role.task[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "OwnTaskScaleInProtection"
      Effect   = "Allow"
      Action   = ["ecs:GetTaskProtection", "ecs:UpdateTaskProtection"]
      Resource = "${replace(aws_ecs_cluster.this.arn, ":cluster/", ":task/")}/*"
    }]
  })
}

# ---------------------------------------------------------------- relay between bridges
# Relays are ICE/DTLS over UDP between the bridges' VPC addresses: the side that offers binds
# an ephemeral port (ice4j binds port 0; Linux picks from 32768-60999), the other answers on
# its media port. Both open to the bridges' own group only.
resource "aws_vpc_security_group_ingress_rule" "relay" {
  for_each = var.relay ? {
    media     = [var.jvb.udp_port, var.jvb.udp_port]
    ephemeral = [32768, 65535]
  } : {}

  security_group_id            = aws_security_group.jvb.id
  description                  = "Bridge-to-bridge relay (Octo), UDP ${each.key} ports, from other bridges only"
  ip_protocol                  = "udp"
  from_port                    = each.value[0]
  to_port                      = each.value[1]
  referenced_security_group_id = aws_security_group.jvb.id
}
