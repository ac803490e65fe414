#ifndef SENSORGATE_CI2C_SHIM_H
#define SENSORGATE_CI2C_SHIM_H
// libi2c (i2c-tools 4.x): SMBus helpers over /dev/i2c-N. No pkg-config file ships with it.
#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/i2c.h>
#include <linux/i2c-dev.h>
#include <i2c/smbus.h>

/// `ioctl(fd, I2C_SLAVE, address)`; the variadic ioctl is not callable from Swift.
static inline int sensorgate_i2c_set_address(int fd, unsigned long address) {
    return ioctl(fd, I2C_SLAVE, address);
}

/// `ioctl(fd, I2C_FUNCS, &funcs)`.
static inline int sensorgate_i2c_functionality(int fd, unsigned long *funcs) {
    return ioctl(fd, I2C_FUNCS, funcs);
}

/// `ioctl(fd, I2C_RDWR, &data)`: plain I2C messages for devices that do not speak SMBus.
static inline int sensorgate_i2c_rdwr(int fd, struct i2c_rdwr_ioctl_data *data) {
    return ioctl(fd, I2C_RDWR, data);
}
#endif
