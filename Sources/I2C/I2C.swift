// I2C
