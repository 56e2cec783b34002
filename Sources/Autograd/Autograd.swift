// Autograd: placeholder until the module lands.
