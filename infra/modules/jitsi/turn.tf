# TURN over TLS (the turn module) as prosody advertises it: turns:<host>:<port>, with
# time-limited credentials prosody signs with a shared secret that coturn checks. The secret
# lives here, so the turn module depends on this one and never the other way round.

# The secret is one of the generated secrets (main.tf: written once, never in plan or state);
# prosody reads it with the others.
locals {
  # TURN_TTL: the credentials' lifetime (the images' default is 24 h; guests get them too).
  turn_env = var.turn == null ? {} : {
    TURNS_HOST = var.turn.host
    TURNS_PORT = tostring(var.turn.port)
    TURN_TTL   = tostring(var.turn.ttl_seconds)
  }
}
