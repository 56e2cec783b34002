// Toys: placeholder until the module lands.
