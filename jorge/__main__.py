from jorge.cli import main

main()
