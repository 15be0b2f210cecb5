// PNG writer for QR module matrices. libpng reports errors with longjmp, so the setjmp and the whole
// write live here in C: no jump ever crosses a Swift frame.
#include "CSprucePNG.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// The largest image side we write; libpng's own default user limit is 1 000 000 pixels.
#define SPRUCE_PNG_MAX_SIDE 100000

typedef struct {
    spruce_png_buffer *out;
    char *message;
    size_t message_size;
} spruce_png_context;

static void spruce_png_set_message(char *message, size_t size, const char *text) {
    if (message != NULL && size > 0) {
        snprintf(message, size, "%s", text);
    }
}

static void spruce_png_error(png_structp png, png_const_charp text) {
    spruce_png_context *context = (spruce_png_context *)png_get_error_ptr(png);
    spruce_png_set_message(context->message, context->message_size, text != NULL ? text : "libpng error");
    png_longjmp(png, 1);
}

static void spruce_png_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void spruce_png_write(png_structp png, png_bytep data, size_t length) {
    spruce_png_context *context = (spruce_png_context *)png_get_io_ptr(png);
    spruce_png_buffer *out = context->out;
    if (out->count + length > out->capacity) {
        size_t capacity = out->capacity > 0 ? out->capacity : 4096;
        while (capacity < out->count + length) {
            capacity *= 2;
        }
        uint8_t *bytes = (uint8_t *)realloc(out->bytes, capacity);
        if (bytes == NULL) {
            png_error(png, "out of memory while growing the PNG buffer");
        }
        out->bytes = bytes;
        out->capacity = capacity;
    }
    memcpy(out->bytes + out->count, data, length);
    out->count += length;
}

static void spruce_png_flush(png_structp png) { (void)png; }

/// Sets bits [start, start + count) of a packed row, most significant bit first (PNG order).
static void spruce_png_fill_bits(uint8_t *row, size_t start, size_t count) {
    size_t end = start + count;
    size_t first = start >> 3, last = end >> 3;
    unsigned head = (unsigned)(start & 7), tail = (unsigned)(end & 7);
    if (first == last) {
        row[first] |= (uint8_t)((0xFFu >> head) & ~(0xFFu >> tail));
        return;
    }
    row[first] |= (uint8_t)(0xFFu >> head);
    if (last > first + 1) {
        memset(row + first + 1, 0xFF, last - first - 1);
    }
    if (tail != 0) {
        row[last] |= (uint8_t)~(0xFFu >> tail);
    }
}

void spruce_png_buffer_free(spruce_png_buffer *buffer) {
    if (buffer == NULL) {
        return;
    }
    free(buffer->bytes);
    buffer->bytes = NULL;
    buffer->count = 0;
    buffer->capacity = 0;
}

int spruce_png_write_matrix(const uint8_t *modules, int32_t width, const spruce_png_options *options,
                            spruce_png_buffer *out, char *message, size_t message_size) {
    if (out == NULL) {
        spruce_png_set_message(message, message_size, "no output buffer");
        return SPRUCE_PNG_INVALID_ARGUMENT;
    }
    out->bytes = NULL;
    out->count = 0;
    out->capacity = 0;
    if (modules == NULL || options == NULL || width <= 0 || options->scale <= 0 || options->margin < 0 ||
        options->color_kind < SPRUCE_PNG_GRAY_BLACK_ON_WHITE || options->color_kind > SPRUCE_PNG_PALETTE) {
        spruce_png_set_message(message, message_size, "invalid matrix, scale, margin or color kind");
        return SPRUCE_PNG_INVALID_ARGUMENT;
    }
    const int64_t side_modules = (int64_t)width + 2 * (int64_t)options->margin;
    const int64_t side64 = side_modules * (int64_t)options->scale;
    if (side64 > SPRUCE_PNG_MAX_SIDE) {
        spruce_png_set_message(message, message_size, "image side exceeds 100000 pixels");
        return SPRUCE_PNG_TOO_LARGE;
    }
    const size_t side = (size_t)side64;
    const size_t scale = (size_t)options->scale;
    const size_t margin_px = (size_t)options->margin * scale;
    const size_t row_bytes = (side + 7) / 8;
    // Grayscale black on white stores dark as 0; palette and white on black store dark as 1.
    const uint8_t flip = options->color_kind == SPRUCE_PNG_GRAY_BLACK_ON_WHITE ? 0xFF : 0x00;

    uint8_t *rows = (uint8_t *)calloc(2, row_bytes);
    if (rows == NULL) {
        spruce_png_set_message(message, message_size, "out of memory");
        return SPRUCE_PNG_OUT_OF_MEMORY;
    }
    uint8_t *blank = rows;
    uint8_t *row = rows + row_bytes;
    memset(blank, flip, row_bytes);

    spruce_png_context context = {out, message, message_size};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &context, spruce_png_error, spruce_png_warning);
    if (png == NULL) {
        free(rows);
        spruce_png_set_message(message, message_size, "png_create_write_struct failed");
        return SPRUCE_PNG_OUT_OF_MEMORY;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        free(rows);
        spruce_png_set_message(message, message_size, "png_create_info_struct failed");
        return SPRUCE_PNG_OUT_OF_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(rows);
        spruce_png_buffer_free(out);
        return SPRUCE_PNG_LIBPNG_ERROR;
    }

    png_set_write_fn(png, &context, spruce_png_write, spruce_png_flush);
    if (options->compression_level >= 0) {
        png_set_compression_level(png, options->compression_level);
    }
    if (options->compression_strategy >= 0) {
        png_set_compression_strategy(png, options->compression_strategy);
    }
    if (options->memory_level >= 1 && options->memory_level <= 9) {
        png_set_compression_mem_level(png, options->memory_level);
    }
    if (options->window_bits >= 9 && options->window_bits <= 15) {
        png_set_compression_window_bits(png, options->window_bits);
    }
    if (options->filters != 0) {
        png_set_filter(png, PNG_FILTER_TYPE_BASE, options->filters);
    }

    if (options->color_kind == SPRUCE_PNG_PALETTE) {
        png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 1, PNG_COLOR_TYPE_PALETTE, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
        png_color palette[2] = {
            {options->background[0], options->background[1], options->background[2]},
            {options->foreground[0], options->foreground[1], options->foreground[2]},
        };
        png_set_PLTE(png, info, palette, 2);
        if (options->background[3] != 255 || options->foreground[3] != 255) {
            png_byte alpha[2] = {options->background[3], options->foreground[3]};
            png_set_tRNS(png, info, alpha, 2, NULL);
        }
    } else {
        png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    }
    if (options->dpi > 0) {
        // pixels per metre = round(dpi / 0.0254)
        png_uint_32 ppm = (png_uint_32)((double)options->dpi / 0.0254 + 0.5);
        png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    }
    png_write_info(png, info);

    for (size_t y = 0; y < margin_px; y++) {
        png_write_row(png, blank);
    }
    for (int32_t my = 0; my < width; my++) {
        memset(row, 0, row_bytes);
        const uint8_t *line = modules + (size_t)my * (size_t)width;
        int32_t mx = 0;
        while (mx < width) {
            if (line[mx] == 0) {
                mx++;
                continue;
            }
            int32_t run = mx;
            while (run < width && line[run] != 0) {
                run++;
            }
            spruce_png_fill_bits(row, margin_px + (size_t)mx * scale, (size_t)(run - mx) * scale);
            mx = run;
        }
        if (flip != 0) {
            for (size_t i = 0; i < row_bytes; i++) {
                row[i] ^= flip;
            }
        }
        for (size_t y = 0; y < scale; y++) {
            png_write_row(png, row);
        }
    }
    for (size_t y = 0; y < margin_px; y++) {
        png_write_row(png, blank);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    return SPRUCE_PNG_OK;
}
