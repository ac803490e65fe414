// Compile-time proof that the prefixed copies in CGPIOD.h match the libgpiod headers of
// the build machine, when it has them: a Debian 12 build checks API v1 (libgpiod 1.6),
// a Debian 13 build checks API v2 (libgpiod 2.x). Without <gpiod.h> nothing is checked
// and nothing is needed: the library is loaded at run time.

#include "CGPIOD.h"

#if __has_include(<gpiod.h>)
#include <gpiod.h>
#include <stddef.h>

#define SG_SAME(prefixed, real) _Static_assert((long)(prefixed) == (long)(real), #prefixed " differs from " #real)
#define SG_SAME_LAYOUT(prefixed, real, field)                                                  \
    _Static_assert(offsetof(struct prefixed, field) == offsetof(struct real, field),         \
                   #prefixed "." #field " is not where " #real "." #field " is");            \
    _Static_assert(sizeof(((struct prefixed *)0)->field) == sizeof(((struct real *)0)->field), \
                   #prefixed "." #field " has another size than " #real "." #field)

// Only the v1 header (1.6) defines GPIOD_BIT; the v2 header has no such macro.
#ifdef GPIOD_BIT
SG_SAME(SG_GPIOD_V1_LINE_DIRECTION_INPUT, GPIOD_LINE_DIRECTION_INPUT);
SG_SAME(SG_GPIOD_V1_LINE_DIRECTION_OUTPUT, GPIOD_LINE_DIRECTION_OUTPUT);
SG_SAME(SG_GPIOD_V1_LINE_ACTIVE_STATE_HIGH, GPIOD_LINE_ACTIVE_STATE_HIGH);
SG_SAME(SG_GPIOD_V1_LINE_ACTIVE_STATE_LOW, GPIOD_LINE_ACTIVE_STATE_LOW);
SG_SAME(SG_GPIOD_V1_LINE_BIAS_AS_IS, GPIOD_LINE_BIAS_AS_IS);
SG_SAME(SG_GPIOD_V1_LINE_BIAS_DISABLE, GPIOD_LINE_BIAS_DISABLE);
SG_SAME(SG_GPIOD_V1_LINE_BIAS_PULL_UP, GPIOD_LINE_BIAS_PULL_UP);
SG_SAME(SG_GPIOD_V1_LINE_BIAS_PULL_DOWN, GPIOD_LINE_BIAS_PULL_DOWN);
SG_SAME(SG_GPIOD_V1_LINE_REQUEST_DIRECTION_AS_IS, GPIOD_LINE_REQUEST_DIRECTION_AS_IS);
SG_SAME(SG_GPIOD_V1_LINE_REQUEST_DIRECTION_INPUT, GPIOD_LINE_REQUEST_DIRECTION_INPUT);
SG_SAME(SG_GPIOD_V1_LINE_REQUEST_DIRECTION_OUTPUT, GPIOD_LINE_REQUEST_DIRECTION_OUTPUT);
SG_SAME(SG_GPIOD_V1_LINE_REQUEST_EVENT_FALLING_EDGE, GPIOD_LINE_REQUEST_EVENT_FALLING_EDGE);
SG_SAME(SG_GPIOD_V1_LINE_REQUEST_EVENT_RISING_EDGE, GPIOD_LINE_REQUEST_EVENT_RISING_EDGE);
SG_SAME(SG_GPIOD_V1_LINE_REQUEST_EVENT_BOTH_EDGES, GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES);
SG_SAME(SG_GPIOD_V1_LINE_REQUEST_FLAG_OPEN_DRAIN, GPIOD_LINE_REQUEST_FLAG_OPEN_DRAIN);
SG_SAME(SG_GPIOD_V1_LINE_REQUEST_FLAG_OPEN_SOURCE, GPIOD_LINE_REQUEST_FLAG_OPEN_SOURCE);
SG_SAME(SG_GPIOD_V1_LINE_REQUEST_FLAG_ACTIVE_LOW, GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW);
SG_SAME(SG_GPIOD_V1_LINE_REQUEST_FLAG_BIAS_DISABLE, GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE);
SG_SAME(SG_GPIOD_V1_LINE_REQUEST_FLAG_BIAS_PULL_DOWN, GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN);
SG_SAME(SG_GPIOD_V1_LINE_REQUEST_FLAG_BIAS_PULL_UP, GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP);
SG_SAME(SG_GPIOD_V1_LINE_EVENT_RISING_EDGE, GPIOD_LINE_EVENT_RISING_EDGE);
SG_SAME(SG_GPIOD_V1_LINE_EVENT_FALLING_EDGE, GPIOD_LINE_EVENT_FALLING_EDGE);

_Static_assert(sizeof(struct sg_gpiod_v1_line_request_config) == sizeof(struct gpiod_line_request_config),
               "sg_gpiod_v1_line_request_config has another size than gpiod_line_request_config");
SG_SAME_LAYOUT(sg_gpiod_v1_line_request_config, gpiod_line_request_config, consumer);
SG_SAME_LAYOUT(sg_gpiod_v1_line_request_config, gpiod_line_request_config, request_type);
SG_SAME_LAYOUT(sg_gpiod_v1_line_request_config, gpiod_line_request_config, flags);

_Static_assert(sizeof(struct sg_gpiod_v1_line_event) == sizeof(struct gpiod_line_event),
               "sg_gpiod_v1_line_event has another size than gpiod_line_event");
SG_SAME_LAYOUT(sg_gpiod_v1_line_event, gpiod_line_event, ts);
SG_SAME_LAYOUT(sg_gpiod_v1_line_event, gpiod_line_event, event_type);


#else // API v2

SG_SAME(SG_GPIOD_V2_LINE_VALUE_ERROR, GPIOD_LINE_VALUE_ERROR);
SG_SAME(SG_GPIOD_V2_LINE_VALUE_INACTIVE, GPIOD_LINE_VALUE_INACTIVE);
SG_SAME(SG_GPIOD_V2_LINE_VALUE_ACTIVE, GPIOD_LINE_VALUE_ACTIVE);
SG_SAME(SG_GPIOD_V2_LINE_DIRECTION_AS_IS, GPIOD_LINE_DIRECTION_AS_IS);
SG_SAME(SG_GPIOD_V2_LINE_DIRECTION_INPUT, GPIOD_LINE_DIRECTION_INPUT);
SG_SAME(SG_GPIOD_V2_LINE_DIRECTION_OUTPUT, GPIOD_LINE_DIRECTION_OUTPUT);
SG_SAME(SG_GPIOD_V2_LINE_EDGE_NONE, GPIOD_LINE_EDGE_NONE);
SG_SAME(SG_GPIOD_V2_LINE_EDGE_RISING, GPIOD_LINE_EDGE_RISING);
SG_SAME(SG_GPIOD_V2_LINE_EDGE_FALLING, GPIOD_LINE_EDGE_FALLING);
SG_SAME(SG_GPIOD_V2_LINE_EDGE_BOTH, GPIOD_LINE_EDGE_BOTH);
SG_SAME(SG_GPIOD_V2_LINE_BIAS_AS_IS, GPIOD_LINE_BIAS_AS_IS);
SG_SAME(SG_GPIOD_V2_LINE_BIAS_UNKNOWN, GPIOD_LINE_BIAS_UNKNOWN);
SG_SAME(SG_GPIOD_V2_LINE_BIAS_DISABLED, GPIOD_LINE_BIAS_DISABLED);
SG_SAME(SG_GPIOD_V2_LINE_BIAS_PULL_UP, GPIOD_LINE_BIAS_PULL_UP);
SG_SAME(SG_GPIOD_V2_LINE_BIAS_PULL_DOWN, GPIOD_LINE_BIAS_PULL_DOWN);
SG_SAME(SG_GPIOD_V2_LINE_DRIVE_PUSH_PULL, GPIOD_LINE_DRIVE_PUSH_PULL);
SG_SAME(SG_GPIOD_V2_LINE_DRIVE_OPEN_DRAIN, GPIOD_LINE_DRIVE_OPEN_DRAIN);
SG_SAME(SG_GPIOD_V2_LINE_DRIVE_OPEN_SOURCE, GPIOD_LINE_DRIVE_OPEN_SOURCE);
SG_SAME(SG_GPIOD_V2_LINE_CLOCK_MONOTONIC, GPIOD_LINE_CLOCK_MONOTONIC);
SG_SAME(SG_GPIOD_V2_LINE_CLOCK_REALTIME, GPIOD_LINE_CLOCK_REALTIME);
SG_SAME(SG_GPIOD_V2_LINE_CLOCK_HTE, GPIOD_LINE_CLOCK_HTE);
SG_SAME(SG_GPIOD_V2_EDGE_EVENT_RISING_EDGE, GPIOD_EDGE_EVENT_RISING_EDGE);
SG_SAME(SG_GPIOD_V2_EDGE_EVENT_FALLING_EDGE, GPIOD_EDGE_EVENT_FALLING_EDGE);

// The table passes v2's enumerations as int.
_Static_assert(sizeof(enum gpiod_line_value) == sizeof(int), "enum gpiod_line_value is int-sized");
_Static_assert(sizeof(enum gpiod_line_direction) == sizeof(int), "enum gpiod_line_direction is int-sized");
_Static_assert(sizeof(enum gpiod_line_edge) == sizeof(int), "enum gpiod_line_edge is int-sized");
_Static_assert(sizeof(enum gpiod_line_bias) == sizeof(int), "enum gpiod_line_bias is int-sized");
_Static_assert(sizeof(enum gpiod_line_drive) == sizeof(int), "enum gpiod_line_drive is int-sized");
_Static_assert(sizeof(enum gpiod_line_clock) == sizeof(int), "enum gpiod_line_clock is int-sized");
_Static_assert(sizeof(enum gpiod_edge_event_type) == sizeof(int), "enum gpiod_edge_event_type is int-sized");

// Scalar results and parameters the table declares with the same C types.
_Static_assert(__builtin_types_compatible_p(__typeof__(gpiod_edge_event_get_timestamp_ns(NULL)), uint64_t),
               "edge event timestamps are uint64_t");
_Static_assert(__builtin_types_compatible_p(__typeof__(gpiod_edge_event_get_line_seqno(NULL)), unsigned long),
               "line sequence numbers are unsigned long");
_Static_assert(__builtin_types_compatible_p(__typeof__(gpiod_line_info_get_debounce_period_us(NULL)), unsigned long),
               "debounce periods are unsigned long");
_Static_assert(__builtin_types_compatible_p(__typeof__(gpiod_chip_info_get_num_lines(NULL)), size_t),
               "line counts are size_t");
#endif

#endif
