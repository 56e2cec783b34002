print("microseek 0.1.0")
