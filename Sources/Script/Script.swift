// Script: placeholder until the module lands.
