# The bridge's guard: keeps ECS from stopping a bridge that carries meetings, and moves the
# meetings that remain when the task is stopped anyway. It runs in the bridge's task as a
# non-essential container of the jvb image with this script as its command (POSIX sh, curl,
# sed, tr, date, sleep: all in the image), because JVB itself ends every conference at once
# on SIGTERM, and ECS sends SIGTERM for scale-in and for deployments.
#
# - While the bridge has a conference, ECS task scale-in protection is on, renewed before it
#   expires: neither service autoscaling nor a deployment stops the task. If the guard or the
#   bridge dies, nothing renews it and it lapses by itself within GUARD_PROTECTION_MINUTES.
# - With no conference it is switched off, and ECS may stop the task.
# - When ECS stops the task anyway (StopTask, a Spot reclaim, the protection lapsed), it stops
#   this container first: it depends on jvb, and ECS stops containers in reverse dependency
#   order. The guard then asks the bridge to shut down (POST /colibri/shutdown, which needs
#   SHUTDOWN_REST_ENABLED and COLIBRI_REST_ENABLED). In SHUTTING_DOWN jicofo re-invites the
#   bridge's participants to another bridge, and the bridge exits a minute later by itself.
#   JVB's "graceful" variant would instead wait for conferences to end on their own (up to
#   24 h), which no stop timeout allows; waiting for meetings to end is what the protection
#   above does. The guard waits until the bridge is empty or gone, at most GUARD_STOP_SECONDS
#   (keep it below the container's stopTimeout), then exits, and ECS stops the bridge.
#
# GUARD_SHARD=1: the bridge shares its task with jicofo (the compact shard). Then:
# - When the task stops, jicofo stops with it: nobody could move the meetings, and the bridge
#   would wait its shutdown delay for nothing. The guard exits at once and ECS stops the bridge.
# - The bridge is not essential (a bridge problem must not replace web and signaling) and ECS
#   restarts its container when it exits (restartPolicy). A JVM that dies is restarted by
#   s6-overlay; one that runs but stays unhealthy (no public address: no STUN server answered
#   at its start) does not exit by itself, so after GUARD_HEAL_FAILURES unhealthy answers in a
#   row the guard asks it to shut down: it exits (code 0, the image then stops its container)
#   and ECS starts it again, asking STUN anew. A bridge that does not answer at all is
#   starting or restarting: not counted.

set -u

jvb=${JVB_URL:-http://127.0.0.1:8080}
poll=${GUARD_POLL_SECONDS:-15}
minutes=${GUARD_PROTECTION_MINUTES:-10}
renew=${GUARD_RENEW_SECONDS:-$((minutes * 30))}
stop_wait=${GUARD_STOP_SECONDS:-100}
shard=${GUARD_SHARD:-0}
heal_after=${GUARD_HEAL_FAILURES:-4}

log() { echo "guard: $*"; }

if [ -z "${ECS_AGENT_URI:-}" ]; then
  log "ECS_AGENT_URI is not set (the ECS agent sets it in every container): nothing to protect"
  exit 1
fi
state_url="$ECS_AGENT_URI/task-protection/v1/state"

# The bridge's current conference count (GET /colibri/stats); empty when it does not answer.
conferences() {
  curl -fsS --max-time 5 "$jvb/colibri/stats" 2>/dev/null |
    tr -d ' \n\r\t' | sed -n 's/.*"conferences":\([0-9][0-9]*\).*/\1/p'
}

# PUT the task's protection: "true" protects it for $minutes, "false" releases it.
protect() {
  if [ "$1" = true ]; then
    body="{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":$minutes}"
  else
    body='{"ProtectionEnabled":false}'
  fi
  curl -fsS --max-time 10 -X PUT -H 'Content-Type: application/json' -d "$body" "$state_url" \
    >/dev/null 2>&1
}

# The bridge's health: "ok", "unhealthy" (it answered, not 200), or empty (no answer).
health() {
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$jvb/about/health" 2>/dev/null)
  case $code in
    200) echo ok ;;
    000 | '') ;;
    *) echo unhealthy ;;
  esac
}

shutdown_bridge() {
  curl -fsS --max-time 5 -X POST -H 'Content-Type: application/json' \
    -d '{"graceful-shutdown":false}' "$jvb/colibri/shutdown" >/dev/null 2>&1
}

on_stop() {
  [ -z "${sleeper:-}" ] || kill "$sleeper" 2>/dev/null
  if [ "$shard" = 1 ]; then
    log "task stopping with jicofo: nothing can move the meetings; the bridge stops now"
    exit 0
  fi
  log "task stopping: asking the bridge to shut down so that jicofo moves its participants"
  shutdown_bridge || log "the bridge refused or did not answer the shutdown request"
  deadline=$(($(date +%s) + stop_wait))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    left=$(conferences)
    if [ -z "$left" ] || [ "$left" -eq 0 ]; then
      break
    fi
    sleep 1
  done
  log "done (conferences left: ${left:-bridge gone})"
  exit 0
}
trap on_stop TERM INT

# A guard that restarted finds its own earlier protection here.
case $(curl -fsS --max-time 5 "$state_url" 2>/dev/null | tr -d ' \n\r\t') in
  *'"ProtectionEnabled":true'*) protected=1 ;;
  *) protected=0 ;;
esac
renewed=0
failures=0
log "watching $jvb: protection for ${minutes} min while it has conferences, renewed every ${renew} s"

while :; do
  count=$(conferences)
  now=$(date +%s)
  if [ -n "$count" ] && [ "$count" -gt 0 ]; then
    if [ "$protected" -eq 0 ] || [ $((now - renewed)) -ge "$renew" ]; then
      if protect true; then
        [ "$protected" -eq 1 ] || log "$count conference(s): scale-in protection on"
        protected=1
        renewed=$now
      else
        log "could not set scale-in protection (task role needs ecs:UpdateTaskProtection)"
      fi
    fi
  elif [ -n "$count" ] && [ "$protected" -eq 1 ]; then
    if protect false; then
      log "no conference: scale-in protection off"
      protected=0
    else
      log "could not release scale-in protection; it lapses by itself within ${minutes} min"
    fi
  fi
  if [ "$shard" = 1 ]; then
    case $(health) in
      ok) failures=0 ;;
      unhealthy) failures=$((failures + 1)) ;;
      *) failures=0 ;; # starting or restarting
    esac
    if [ "$failures" -eq "$heal_after" ]; then
      if shutdown_bridge; then
        log "the bridge failed its health check $failures times: shut down, ECS restarts it in place"
      else
        log "the bridge failed its health check $failures times and refused to shut down"
      fi
    fi
  fi
  # In the background so that SIGTERM is handled at once, not after the sleep.
  sleep "$poll" &
  sleeper=$!
  wait "$sleeper"
done
