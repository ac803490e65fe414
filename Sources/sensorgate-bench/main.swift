// sensorgate-bench: see BenchCommand.swift.
BenchCommand.main()
