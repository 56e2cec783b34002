// Plotting: placeholder until the module lands.
