from jitsi_ecs.cli import main

main()
