# The bridge's start when relays are on: every bridge needs its own relay id. The image's
# jvb.conf takes JVB_OCTO_RELAY_ID, else JVB_OCTO_BIND_ADDRESS, which nothing sets here (the
# id would be empty), and an ECS environment is the same for every task. So take the task's
# VPC address here (as the image's config script takes LOCAL_ADDRESS), then replace this
# shell with the image's /init: s6-overlay must stay PID 1.
id=$(ip route get 1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
JVB_OCTO_RELAY_ID=${JVB_OCTO_RELAY_ID:-${id:-$(hostname)}}
export JVB_OCTO_RELAY_ID
exec /init "$@"
