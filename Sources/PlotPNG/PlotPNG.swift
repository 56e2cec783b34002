// PlotPNG: placeholder until the module lands.
