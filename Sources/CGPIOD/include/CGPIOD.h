#ifndef SENSORGATE_CGPIOD_H
#define SENSORGATE_CGPIOD_H
// The subset of libgpiod the project uses, for both of its APIs, as tables of function
// pointers filled at run time (dlopen + dlsym): one binary runs on systems with
// libgpiod 1.6 (API v1, libgpiod.so.2) or libgpiod 2.x (API v2, libgpiod.so.3), and
// building needs neither library's headers.
//
// Every identifier is project-prefixed (sg_gpiod_, SG_GPIOD_): the v1 copy, the v2 copy
// and the real <gpiod.h> can then meet in one translation unit, where abi_check.c
// asserts that each constant and struct layout here equals the real header's.
//
// Enumerations of the real API are passed as `int` (their C type on every Linux ABI,
// checked by abi_check.c); opaque libgpiod objects are incomplete structs.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#pragma clang assume_nonnull begin

// MARK: API v1 (libgpiod 1.6, /usr/include/gpiod.h of Debian 12)

struct sg_gpiod_v1_chip;
struct sg_gpiod_v1_line;

// enum gpiod_line_direction
enum {
    SG_GPIOD_V1_LINE_DIRECTION_INPUT = 1,
    SG_GPIOD_V1_LINE_DIRECTION_OUTPUT = 2,
};

// enum gpiod_line_active_state
enum {
    SG_GPIOD_V1_LINE_ACTIVE_STATE_HIGH = 1,
    SG_GPIOD_V1_LINE_ACTIVE_STATE_LOW = 2,
};

// enum gpiod_line_bias
enum {
    SG_GPIOD_V1_LINE_BIAS_AS_IS = 1,
    SG_GPIOD_V1_LINE_BIAS_DISABLE = 2,
    SG_GPIOD_V1_LINE_BIAS_PULL_UP = 3,
    SG_GPIOD_V1_LINE_BIAS_PULL_DOWN = 4,
};

// The request types (GPIOD_LINE_REQUEST_*).
enum {
    SG_GPIOD_V1_LINE_REQUEST_DIRECTION_AS_IS = 1,
    SG_GPIOD_V1_LINE_REQUEST_DIRECTION_INPUT = 2,
    SG_GPIOD_V1_LINE_REQUEST_DIRECTION_OUTPUT = 3,
    SG_GPIOD_V1_LINE_REQUEST_EVENT_FALLING_EDGE = 4,
    SG_GPIOD_V1_LINE_REQUEST_EVENT_RISING_EDGE = 5,
    SG_GPIOD_V1_LINE_REQUEST_EVENT_BOTH_EDGES = 6,
};

// The request flags (GPIOD_LINE_REQUEST_FLAG_*).
enum {
    SG_GPIOD_V1_LINE_REQUEST_FLAG_OPEN_DRAIN = 1 << 0,
    SG_GPIOD_V1_LINE_REQUEST_FLAG_OPEN_SOURCE = 1 << 1,
    SG_GPIOD_V1_LINE_REQUEST_FLAG_ACTIVE_LOW = 1 << 2,
    SG_GPIOD_V1_LINE_REQUEST_FLAG_BIAS_DISABLE = 1 << 3,
    SG_GPIOD_V1_LINE_REQUEST_FLAG_BIAS_PULL_DOWN = 1 << 4,
    SG_GPIOD_V1_LINE_REQUEST_FLAG_BIAS_PULL_UP = 1 << 5,
};

// The event types (GPIOD_LINE_EVENT_*).
enum {
    SG_GPIOD_V1_LINE_EVENT_RISING_EDGE = 1,
    SG_GPIOD_V1_LINE_EVENT_FALLING_EDGE = 2,
};

// struct gpiod_line_request_config
struct sg_gpiod_v1_line_request_config {
    const char *_Nullable consumer;
    int request_type;
    int flags;
};

// struct gpiod_line_event
struct sg_gpiod_v1_line_event {
    struct timespec ts;
    int event_type;
};

struct sg_gpiod_v1_api {
    const char *_Nonnull (*_Nonnull version_string)(void);
    struct sg_gpiod_v1_chip *_Nullable (*_Nonnull chip_open)(const char *_Nonnull path);
    void (*_Nonnull chip_close)(struct sg_gpiod_v1_chip *_Nonnull chip);
    const char *_Nonnull (*_Nonnull chip_name)(struct sg_gpiod_v1_chip *_Nonnull chip);
    const char *_Nonnull (*_Nonnull chip_label)(struct sg_gpiod_v1_chip *_Nonnull chip);
    unsigned int (*_Nonnull chip_num_lines)(struct sg_gpiod_v1_chip *_Nonnull chip);
    struct sg_gpiod_v1_line *_Nullable (*_Nonnull chip_get_line)(struct sg_gpiod_v1_chip *_Nonnull chip, unsigned int offset);
    const char *_Nullable (*_Nonnull line_name)(struct sg_gpiod_v1_line *_Nonnull line);
    const char *_Nullable (*_Nonnull line_consumer)(struct sg_gpiod_v1_line *_Nonnull line);
    int (*_Nonnull line_direction)(struct sg_gpiod_v1_line *_Nonnull line);
    int (*_Nonnull line_active_state)(struct sg_gpiod_v1_line *_Nonnull line);
    int (*_Nonnull line_bias)(struct sg_gpiod_v1_line *_Nonnull line);
    bool (*_Nonnull line_is_used)(struct sg_gpiod_v1_line *_Nonnull line);
    bool (*_Nonnull line_is_open_drain)(struct sg_gpiod_v1_line *_Nonnull line);
    bool (*_Nonnull line_is_open_source)(struct sg_gpiod_v1_line *_Nonnull line);
    int (*_Nonnull line_request)(struct sg_gpiod_v1_line *_Nonnull line, const struct sg_gpiod_v1_line_request_config *_Nonnull config,
                        int default_val);
    void (*_Nonnull line_release)(struct sg_gpiod_v1_line *_Nonnull line);
    int (*_Nonnull line_get_value)(struct sg_gpiod_v1_line *_Nonnull line);
    int (*_Nonnull line_set_value)(struct sg_gpiod_v1_line *_Nonnull line, int value);
    int (*_Nonnull line_event_get_fd)(struct sg_gpiod_v1_line *_Nonnull line);
    int (*_Nonnull line_event_read_fd_multiple)(int fd, struct sg_gpiod_v1_line_event *_Nonnull events, unsigned int num_events);
};

// MARK: API v2 (libgpiod 2.x, /usr/include/gpiod.h of Debian 13)

struct sg_gpiod_v2_chip;
struct sg_gpiod_v2_chip_info;
struct sg_gpiod_v2_line_info;
struct sg_gpiod_v2_line_settings;
struct sg_gpiod_v2_line_config;
struct sg_gpiod_v2_request_config;
struct sg_gpiod_v2_line_request;
struct sg_gpiod_v2_edge_event;
struct sg_gpiod_v2_edge_event_buffer;

// enum gpiod_line_value
enum {
    SG_GPIOD_V2_LINE_VALUE_ERROR = -1,
    SG_GPIOD_V2_LINE_VALUE_INACTIVE = 0,
    SG_GPIOD_V2_LINE_VALUE_ACTIVE = 1,
};

// enum gpiod_line_direction
enum {
    SG_GPIOD_V2_LINE_DIRECTION_AS_IS = 1,
    SG_GPIOD_V2_LINE_DIRECTION_INPUT = 2,
    SG_GPIOD_V2_LINE_DIRECTION_OUTPUT = 3,
};

// enum gpiod_line_edge
enum {
    SG_GPIOD_V2_LINE_EDGE_NONE = 1,
    SG_GPIOD_V2_LINE_EDGE_RISING = 2,
    SG_GPIOD_V2_LINE_EDGE_FALLING = 3,
    SG_GPIOD_V2_LINE_EDGE_BOTH = 4,
};

// enum gpiod_line_bias
enum {
    SG_GPIOD_V2_LINE_BIAS_AS_IS = 1,
    SG_GPIOD_V2_LINE_BIAS_UNKNOWN = 2,
    SG_GPIOD_V2_LINE_BIAS_DISABLED = 3,
    SG_GPIOD_V2_LINE_BIAS_PULL_UP = 4,
    SG_GPIOD_V2_LINE_BIAS_PULL_DOWN = 5,
};

// enum gpiod_line_drive
enum {
    SG_GPIOD_V2_LINE_DRIVE_PUSH_PULL = 1,
    SG_GPIOD_V2_LINE_DRIVE_OPEN_DRAIN = 2,
    SG_GPIOD_V2_LINE_DRIVE_OPEN_SOURCE = 3,
};

// enum gpiod_line_clock
enum {
    SG_GPIOD_V2_LINE_CLOCK_MONOTONIC = 1,
    SG_GPIOD_V2_LINE_CLOCK_REALTIME = 2,
    SG_GPIOD_V2_LINE_CLOCK_HTE = 3,
};

// enum gpiod_edge_event_type
enum {
    SG_GPIOD_V2_EDGE_EVENT_RISING_EDGE = 1,
    SG_GPIOD_V2_EDGE_EVENT_FALLING_EDGE = 2,
};

struct sg_gpiod_v2_api {
    const char *_Nonnull (*_Nonnull api_version)(void);

    struct sg_gpiod_v2_chip *_Nullable (*_Nonnull chip_open)(const char *_Nonnull path);
    void (*_Nonnull chip_close)(struct sg_gpiod_v2_chip *_Nonnull chip);
    struct sg_gpiod_v2_chip_info *_Nullable (*_Nonnull chip_get_info)(struct sg_gpiod_v2_chip *_Nonnull chip);
    void (*_Nonnull chip_info_free)(struct sg_gpiod_v2_chip_info *_Nonnull info);
    const char *_Nonnull (*_Nonnull chip_info_get_name)(struct sg_gpiod_v2_chip_info *_Nonnull info);
    const char *_Nonnull (*_Nonnull chip_info_get_label)(struct sg_gpiod_v2_chip_info *_Nonnull info);
    size_t (*_Nonnull chip_info_get_num_lines)(struct sg_gpiod_v2_chip_info *_Nonnull info);

    struct sg_gpiod_v2_line_info *_Nullable (*_Nonnull chip_get_line_info)(struct sg_gpiod_v2_chip *_Nonnull chip, unsigned int offset);
    void (*_Nonnull line_info_free)(struct sg_gpiod_v2_line_info *_Nonnull info);
    const char *_Nullable (*_Nonnull line_info_get_name)(struct sg_gpiod_v2_line_info *_Nonnull info);
    const char *_Nullable (*_Nonnull line_info_get_consumer)(struct sg_gpiod_v2_line_info *_Nonnull info);
    bool (*_Nonnull line_info_is_used)(struct sg_gpiod_v2_line_info *_Nonnull info);
    int (*_Nonnull line_info_get_direction)(struct sg_gpiod_v2_line_info *_Nonnull info);
    bool (*_Nonnull line_info_is_active_low)(struct sg_gpiod_v2_line_info *_Nonnull info);
    int (*_Nonnull line_info_get_bias)(struct sg_gpiod_v2_line_info *_Nonnull info);
    int (*_Nonnull line_info_get_drive)(struct sg_gpiod_v2_line_info *_Nonnull info);
    unsigned long (*_Nonnull line_info_get_debounce_period_us)(struct sg_gpiod_v2_line_info *_Nonnull info);

    struct sg_gpiod_v2_line_settings *_Nullable (*_Nonnull line_settings_new)(void);
    void (*_Nonnull line_settings_free)(struct sg_gpiod_v2_line_settings *_Nonnull settings);
    int (*_Nonnull line_settings_set_direction)(struct sg_gpiod_v2_line_settings *_Nonnull settings, int direction);
    int (*_Nonnull line_settings_set_edge_detection)(struct sg_gpiod_v2_line_settings *_Nonnull settings, int edge);
    int (*_Nonnull line_settings_set_bias)(struct sg_gpiod_v2_line_settings *_Nonnull settings, int bias);
    void (*_Nonnull line_settings_set_active_low)(struct sg_gpiod_v2_line_settings *_Nonnull settings, bool active_low);
    void (*_Nonnull line_settings_set_debounce_period_us)(struct sg_gpiod_v2_line_settings *_Nonnull settings, unsigned long period);
    int (*_Nonnull line_settings_set_event_clock)(struct sg_gpiod_v2_line_settings *_Nonnull settings, int event_clock);
    int (*_Nonnull line_settings_set_output_value)(struct sg_gpiod_v2_line_settings *_Nonnull settings, int value);

    struct sg_gpiod_v2_line_config *_Nullable (*_Nonnull line_config_new)(void);
    void (*_Nonnull line_config_free)(struct sg_gpiod_v2_line_config *_Nonnull config);
    int (*_Nonnull line_config_add_line_settings)(struct sg_gpiod_v2_line_config *_Nonnull config, const unsigned int *_Nonnull offsets,
                                         size_t num_offsets, struct sg_gpiod_v2_line_settings *_Nonnull settings);

    struct sg_gpiod_v2_request_config *_Nullable (*_Nonnull request_config_new)(void);
    void (*_Nonnull request_config_free)(struct sg_gpiod_v2_request_config *_Nonnull config);
    void (*_Nonnull request_config_set_consumer)(struct sg_gpiod_v2_request_config *_Nonnull config, const char *_Nonnull consumer);
    void (*_Nonnull request_config_set_event_buffer_size)(struct sg_gpiod_v2_request_config *_Nonnull config, size_t size);

    struct sg_gpiod_v2_line_request *_Nullable (*_Nonnull chip_request_lines)(struct sg_gpiod_v2_chip *_Nonnull chip,
                                                                     struct sg_gpiod_v2_request_config *_Nullable request_config,
                                                                     struct sg_gpiod_v2_line_config *_Nonnull line_config);
    void (*_Nonnull line_request_release)(struct sg_gpiod_v2_line_request *_Nonnull request);
    int (*_Nonnull line_request_get_fd)(struct sg_gpiod_v2_line_request *_Nonnull request);
    int (*_Nonnull line_request_get_value)(struct sg_gpiod_v2_line_request *_Nonnull request, unsigned int offset);
    int (*_Nonnull line_request_set_value)(struct sg_gpiod_v2_line_request *_Nonnull request, unsigned int offset, int value);
    int (*_Nonnull line_request_read_edge_events)(struct sg_gpiod_v2_line_request *_Nonnull request,
                                         struct sg_gpiod_v2_edge_event_buffer *_Nonnull buffer, size_t max_events);

    struct sg_gpiod_v2_edge_event_buffer *_Nullable (*_Nonnull edge_event_buffer_new)(size_t capacity);
    void (*_Nonnull edge_event_buffer_free)(struct sg_gpiod_v2_edge_event_buffer *_Nonnull buffer);
    struct sg_gpiod_v2_edge_event *_Nullable (*_Nonnull edge_event_buffer_get_event)(struct sg_gpiod_v2_edge_event_buffer *_Nonnull buffer,
                                                                            unsigned long index);
    int (*_Nonnull edge_event_get_event_type)(struct sg_gpiod_v2_edge_event *_Nonnull event);
    uint64_t (*_Nonnull edge_event_get_timestamp_ns)(struct sg_gpiod_v2_edge_event *_Nonnull event);
    unsigned int (*_Nonnull edge_event_get_line_offset)(struct sg_gpiod_v2_edge_event *_Nonnull event);
    unsigned long (*_Nonnull edge_event_get_line_seqno)(struct sg_gpiod_v2_edge_event *_Nonnull event);
};

// MARK: Loading

// Which API a loaded library offers.
enum {
    SG_GPIOD_API_NONE = 0,
    SG_GPIOD_API_V1 = 1,
    SG_GPIOD_API_V2 = 2,
};

// dlopen()s a library by SONAME ("libgpiod.so.3") or path; NULL on failure, with the
// reason in sg_gpiod_last_error(). Libraries are never closed: function pointers taken
// from them stay valid for the life of the process.
void *_Nullable sg_gpiod_open_library(const char *name);

// Which API the library offers, told by a symbol only that API has
// (gpiod_api_version: v2; gpiod_version_string: v1).
int sg_gpiod_library_api(void *library);

// Fill the process's table for that API from the library: NULL on success, else the
// text of the failure (the missing symbol). Thread-safe.
const char *_Nullable sg_gpiod_v1_bind(void *library);
const char *_Nullable sg_gpiod_v2_bind(void *library);

// The tables; valid after a successful bind.
const struct sg_gpiod_v1_api *sg_gpiod_v1(void);
const struct sg_gpiod_v2_api *sg_gpiod_v2(void);

// The calling thread's last loader error text (dlerror, or a missing symbol's name).
const char *sg_gpiod_last_error(void);

#pragma clang assume_nonnull end

#endif
