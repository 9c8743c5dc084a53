# Module telemetry: the scheduled in-VPC collector, its narrow network access and its alarms.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name                   = "jitsi"
  vpc_id                 = "vpc-123"
  subnet_ids             = ["subnet-a", "subnet-b"]
  jvb_security_group_id  = "sg-jvb"
  xmpp_security_group_id = "sg-xmpp"
  bridge_dns_names       = ["jvb.jitsi.internal", "xmpp.jitsi.internal"]
  egress_alarm_kbps      = null
  jicofo_url             = "http://xmpp.jitsi.internal:8888"
  rest_ports             = { jvb = 8080, jicofo = 8888 }
  package                = { path = "telemetry.zip", hash = "bW9jaw==", handler = "jitsi_ecs.telemetry.lambda_handler.handler", runtime = "python3.13" }
  alarm_topic_arn        = "arn:aws:sns:us-west-2:123456789012:deployment-alerts"
  namespace              = "Jitsi"
  schedule_expression    = "rate(1 minute)"
  stress_threshold       = 0.8
}

run "collector_lambda_in_the_vpc" {
  command = apply

  module {
    source = "./modules/telemetry"
  }

  assert {
    condition = (aws_lambda_function.this.handler == "jitsi_ecs.telemetry.lambda_handler.handler" &&
      aws_lambda_function.this.runtime == "python3.13" &&
      aws_lambda_function.this.vpc_config[0].subnet_ids == toset(["subnet-a", "subnet-b"]) &&
    aws_lambda_function.this.environment[0].variables["JVB_DNS_NAMES"] == "jvb.jitsi.internal,xmpp.jitsi.internal")
    error_message = "a Lambda on the package's runtime inside the VPC that finds the bridges through Cloud Map DNS"
  }
  assert {
    condition = (
      one([for st in data.aws_iam_policy_document.run.statement : st.resources if st.sid == "OwnLogGroup"]) == toset(["${aws_cloudwatch_log_group.this.arn}:*"]) &&
      one([for st in data.aws_iam_policy_document.run.statement : st.resources if st.sid == "NetworkInterfacesHere"]) == toset(["arn:aws:ec2:us-west-2:123456789012:*/*"]) &&
      alltrue([for st in data.aws_iam_policy_document.run.statement : st.resources == toset(["*"]) ? alltrue([for a in st.actions : startswith(a, "ec2:Describe")]) : true])
    )
    error_message = "the collector writes its own log group and manages interfaces in its account and region only; only Describe calls get *"
  }
  assert {
    condition     = aws_cloudwatch_event_rule.this.schedule_expression == "rate(1 minute)" && aws_lambda_permission.this.principal == "events.amazonaws.com"
    error_message = "scheduled every minute by EventBridge: no long-running sidecar"
  }
  assert {
    condition = (aws_vpc_security_group_ingress_rule.jvb_stats.referenced_security_group_id == aws_security_group.this.id &&
      aws_vpc_security_group_ingress_rule.jvb_stats.cidr_ipv4 == null &&
    aws_vpc_security_group_ingress_rule.jicofo_stats.from_port == 8888)
    error_message = "JVB 8080 and jicofo 8888 open to the collector's group only, never to a CIDR"
  }
  assert {
    condition = (aws_vpc_security_group_egress_rule.jvb.from_port == 8080 && aws_vpc_security_group_egress_rule.jicofo.to_port == 8888 &&
      aws_lambda_function.this.environment[0].variables["JVB_PORT"] == "8080" &&
    aws_security_group.this.description == "Jitsi telemetry Lambda: reaches JVB 8080 and jicofo 8888 only")
    error_message = "the ports come from rest_ports; the group's description renders as before (a new one replaces the group)"
  }

  # ---- jitsi alarms
  assert {
    condition = (aws_cloudwatch_metric_alarm.this["bridge-stress"].threshold == 0.8 &&
      aws_cloudwatch_metric_alarm.this["bridge-stress"].statistic == "Maximum" &&
    aws_cloudwatch_metric_alarm.this["bridge-stress"].dimensions["Service"] == "jvb")
    error_message = "bridge stress above 0.8 alarms"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["no-bridge"].metric_name == "OperationalBridges" && aws_cloudwatch_metric_alarm.this["no-bridge"].comparison_operator == "LessThanThreshold" && aws_cloudwatch_metric_alarm.this["no-bridge"].treat_missing_data == "breaching" && strcontains(aws_cloudwatch_metric_alarm.this["no-bridge"].alarm_description, "the shard's bridge is down or restarting in place")
    error_message = "no operational bridge alarms, and so does silence; it says what it means for the compact shard (which stays up without its bridge)"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["jicofo-unhealthy"].metric_name == "SourceUp" && aws_cloudwatch_metric_alarm.this["jicofo-unhealthy"].dimensions["Service"] == "jicofo"
    error_message = "jicofo not answering alarms"
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : contains(a.alarm_actions, "arn:aws:sns:us-west-2:123456789012:deployment-alerts")])
    error_message = "the Jitsi alarms notify deployment-alerts"
  }
  assert {
    condition = (output.bridge_deployment_alarm_names == ["jitsi-bridges-not-joined"] &&
      [for q in aws_cloudwatch_metric_alarm.bridges_not_joined.metric_query : q.expression if q.return_data == true][0] == "up - operational" &&
      toset([for q in aws_cloudwatch_metric_alarm.bridges_not_joined.metric_query : "${q.metric[0].metric_name}/${q.metric[0].dimensions["Service"]}" if length(q.metric) > 0]) == toset(["BridgesUp/summary", "OperationalBridges/jicofo"]) &&
      aws_cloudwatch_metric_alarm.bridges_not_joined.evaluation_periods == 3 &&
    aws_cloudwatch_metric_alarm.bridges_not_joined.treat_missing_data == "notBreaching")
    error_message = "the bridges' deployment alarm: bridges answering the collector above those jicofo can use, for three minutes"
  }
}

run "egress_alarm_from_its_threshold" {
  command = apply

  module {
    source = "./modules/telemetry"
  }

  variables {
    egress_alarm_kbps = 7000
  }

  assert {
    condition = (aws_cloudwatch_metric_alarm.egress[0].metric_name == "TotalUploadKbps" &&
      aws_cloudwatch_metric_alarm.egress[0].period == 3600 &&
      aws_cloudwatch_metric_alarm.egress[0].threshold == 7000 &&
    aws_cloudwatch_metric_alarm.egress[0].treat_missing_data == "notBreaching")
    error_message = "the bridges' total upload over an hour against the budget's egress rate"
  }
  assert {
    condition     = toset(output.availability_alarm_names) == toset(["jitsi-no-bridge", "jitsi-jicofo-unhealthy"])
    error_message = "only the alarms a sleeping stack trips are quieted at night"
  }
}
