from sahel_timeline.cli.entry import main

if __name__ == "__main__":
    main()
