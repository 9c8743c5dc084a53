variable "name" {
  description = "Prefix of the schedules and the role."
  type        = string
}

variable "schedule" {
  description = "Office hours (UTC): cron days such as MON-FRI, start and stop hour."
  type = object({
    days       = string
    start_hour = number
    stop_hour  = number
  })
}

variable "alarm_names" {
  description = "Alarms whose actions are off outside the hours (they would fire because services sleep)."
  type        = list(string)
}

variable "event_rule_names" {
  description = "EventBridge rules paused outside the hours (the telemetry collector's schedule)."
  type        = list(string)
}

variable "wake_minutes" {
  description = "Minutes after the start hour before the alarms come back on (tasks take a few minutes to start)."
  type        = number
  default     = 15
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
