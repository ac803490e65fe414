// Run-time binding of libgpiod: dlopen + dlsym into the tables of CGPIOD.h.

#include "CGPIOD.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_error[512];

static void remember_error(const char *prefix, const char *detail) {
    snprintf(last_error, sizeof last_error, "%s%s", prefix, detail ? detail : "unknown error");
}

const char *sg_gpiod_last_error(void) { return last_error; }

void *sg_gpiod_open_library(const char *name) {
    void *library = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!library) remember_error("", dlerror());
    return library;
}

int sg_gpiod_library_api(void *library) {
    if (dlsym(library, "gpiod_api_version")) return SG_GPIOD_API_V2;
    if (dlsym(library, "gpiod_version_string")) return SG_GPIOD_API_V1;
    return SG_GPIOD_API_NONE;
}

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sg_gpiod_v1_api v1_table;
static struct sg_gpiod_v2_api v2_table;

const struct sg_gpiod_v1_api *sg_gpiod_v1(void) { return &v1_table; }
const struct sg_gpiod_v2_api *sg_gpiod_v2(void) { return &v2_table; }

// Every field of a table is named after its symbol without the "gpiod_" prefix.
#define SG_BIND(table, field)                                                        \
    do {                                                                             \
        void *symbol = dlsym(library, "gpiod_" #field);                              \
        if (!symbol) {                                                               \
            remember_error("missing symbol ", "gpiod_" #field);                      \
            return last_error;                                                       \
        }                                                                            \
        memcpy(&(table).field, &symbol, sizeof symbol);                              \
    } while (0)

const char *sg_gpiod_v1_bind(void *library) {
    struct sg_gpiod_v1_api table;
    SG_BIND(table, version_string);
    SG_BIND(table, chip_open);
    SG_BIND(table, chip_close);
    SG_BIND(table, chip_name);
    SG_BIND(table, chip_label);
    SG_BIND(table, chip_num_lines);
    SG_BIND(table, chip_get_line);
    SG_BIND(table, line_name);
    SG_BIND(table, line_consumer);
    SG_BIND(table, line_direction);
    SG_BIND(table, line_active_state);
    SG_BIND(table, line_bias);
    SG_BIND(table, line_is_used);
    SG_BIND(table, line_is_open_drain);
    SG_BIND(table, line_is_open_source);
    SG_BIND(table, line_request);
    SG_BIND(table, line_release);
    SG_BIND(table, line_get_value);
    SG_BIND(table, line_set_value);
    SG_BIND(table, line_event_get_fd);
    SG_BIND(table, line_event_read_fd_multiple);
    pthread_mutex_lock(&table_lock);
    v1_table = table;
    pthread_mutex_unlock(&table_lock);
    return NULL;
}

const char *sg_gpiod_v2_bind(void *library) {
    struct sg_gpiod_v2_api table;
    SG_BIND(table, api_version);
    SG_BIND(table, chip_open);
    SG_BIND(table, chip_close);
    SG_BIND(table, chip_get_info);
    SG_BIND(table, chip_info_free);
    SG_BIND(table, chip_info_get_name);
    SG_BIND(table, chip_info_get_label);
    SG_BIND(table, chip_info_get_num_lines);
    SG_BIND(table, chip_get_line_info);
    SG_BIND(table, line_info_free);
    SG_BIND(table, line_info_get_name);
    SG_BIND(table, line_info_get_consumer);
    SG_BIND(table, line_info_is_used);
    SG_BIND(table, line_info_get_direction);
    SG_BIND(table, line_info_is_active_low);
    SG_BIND(table, line_info_get_bias);
    SG_BIND(table, line_info_get_drive);
    SG_BIND(table, line_info_get_debounce_period_us);
    SG_BIND(table, line_settings_new);
    SG_BIND(table, line_settings_free);
    SG_BIND(table, line_settings_set_direction);
    SG_BIND(table, line_settings_set_edge_detection);
    SG_BIND(table, line_settings_set_bias);
    SG_BIND(table, line_settings_set_active_low);
    SG_BIND(table, line_settings_set_debounce_period_us);
    SG_BIND(table, line_settings_set_event_clock);
    SG_BIND(table, line_settings_set_output_value);
    SG_BIND(table, line_config_new);
    SG_BIND(table, line_config_free);
    SG_BIND(table, line_config_add_line_settings);
    SG_BIND(table, request_config_new);
    SG_BIND(table, request_config_free);
    SG_BIND(table, request_config_set_consumer);
    SG_BIND(table, request_config_set_event_buffer_size);
    SG_BIND(table, chip_request_lines);
    SG_BIND(table, line_request_release);
    SG_BIND(table, line_request_get_fd);
    SG_BIND(table, line_request_get_value);
    SG_BIND(table, line_request_set_value);
    SG_BIND(table, line_request_read_edge_events);
    SG_BIND(table, edge_event_buffer_new);
    SG_BIND(table, edge_event_buffer_free);
    SG_BIND(table, edge_event_buffer_get_event);
    SG_BIND(table, edge_event_get_event_type);
    SG_BIND(table, edge_event_get_timestamp_ns);
    SG_BIND(table, edge_event_get_line_offset);
    SG_BIND(table, edge_event_get_line_seqno);
    pthread_mutex_lock(&table_lock);
    v2_table = table;
    pthread_mutex_unlock(&table_lock);
    return NULL;
}
