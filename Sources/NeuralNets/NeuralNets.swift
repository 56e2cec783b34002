// NeuralNets: placeholder until the module lands.
