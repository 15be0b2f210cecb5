// The C floor for the QR benchmark: the same work as QRBenchmark (encode N texts `https://spruce.care/1NNNNN`
// at level M with libqrencode, write each as a 1-bit grayscale PNG at scale 8, margin 4 into a growable memory
// buffer with libpng), written directly in C with the same libpng settings as SpruceQR's PNGRenderer.fast.
//
// Build: cc -O2 qr_floor.c $(pkg-config --cflags --libs libqrencode libpng) -o qr_floor
// Usage: qr_floor [count] [zlib-level strategy(0-3) filter-mask mem-level]
#include <png.h>
#include <qrencode.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    unsigned char *bytes;
    size_t count, capacity;
} buffer;

static void write_fn(png_structp png, png_bytep data, size_t length) {
    buffer *out = (buffer *)png_get_io_ptr(png);
    if (out->count + length > out->capacity) {
        size_t capacity = out->capacity ? out->capacity : 4096;
        while (capacity < out->count + length) capacity *= 2;
        unsigned char *bytes = realloc(out->bytes, capacity);
        if (!bytes) png_error(png, "out of memory");
        out->bytes = bytes;
        out->capacity = capacity;
    }
    memcpy(out->bytes + out->count, data, length);
    out->count += length;
}

static void flush_fn(png_structp png) { (void)png; }

// The same settings as PNGRenderer.Compression.fast: zlib level 1, default strategy, no filter, memLevel 4.
static int level = 1, strategy = 0, filters = PNG_FILTER_NONE, mem_level = 4;

/// Returns the PNG size, or 0 on error. Dark modules are 0 bits (black) in 1-bit grayscale.
static size_t write_png(const QRcode *code, int scale, int margin, buffer *out) {
    const int side = (code->width + 2 * margin) * scale;
    const size_t row_bytes = (size_t)(side + 7) / 8;
    unsigned char *blank = malloc(row_bytes), *row = malloc(row_bytes);
    memset(blank, 0xFF, row_bytes);
    out->count = 0;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(blank);
        free(row);
        return 0;
    }
    png_set_write_fn(png, out, write_fn, flush_fn);
    png_set_compression_level(png, level);
    png_set_compression_strategy(png, strategy);
    png_set_compression_mem_level(png, mem_level);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, filters);
    png_set_IHDR(png, info, side, side, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE,
                 PNG_FILTER_TYPE_BASE);
    png_write_info(png, info);
    for (int y = 0; y < margin * scale; y++) png_write_row(png, blank);
    for (int my = 0; my < code->width; my++) {
        memset(row, 0xFF, row_bytes);
        const unsigned char *line = code->data + my * code->width;
        for (int mx = 0; mx < code->width; mx++) {
            if (!(line[mx] & 1)) continue;
            // clear `scale` bits starting at this module's first pixel
            for (int p = (margin + mx) * scale, end = p + scale; p < end; p++) {
                row[p >> 3] &= (unsigned char)~(0x80 >> (p & 7));
            }
        }
        for (int y = 0; y < scale; y++) png_write_row(png, row);
    }
    for (int y = 0; y < margin * scale; y++) png_write_row(png, blank);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(blank);
    free(row);
    return out->count;
}

/// Process CPU time: other work on the (shared) machine does not count against us.
static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

/// `qr_floor --files FILE DIR`: every line of FILE as DIR/<line number>.png, one thread, plain fopen/fwrite
/// (no temporary file and rename): the floor for `sprucelink qr --batch FILE --output-dir DIR`.
static int write_files(const char *list, const char *directory) {
    FILE *input = fopen(list, "r");
    if (!input) return 1;
    char line[4096], path[4200];
    buffer out = {0};
    int number = 0;
    while (fgets(line, sizeof line, input)) {
        number++;
        size_t length = strcspn(line, "\r\n");
        line[length] = 0;
        if (length == 0) continue;
        QRcode *code = QRcode_encodeString(line, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
        if (!code) return 1;
        size_t size = write_png(code, 8, 4, &out);
        QRcode_free(code);
        if (!size) return 1;
        snprintf(path, sizeof path, "%s/%d.png", directory, number);
        FILE *file = fopen(path, "wb");
        if (!file || fwrite(out.bytes, 1, size, file) != size || fclose(file) != 0) return 1;
    }
    fclose(input);
    free(out.bytes);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 3 && strcmp(argv[1], "--files") == 0) return write_files(argv[2], argv[3]);
    int count = argc > 1 ? atoi(argv[1]) : 10000;
    if (argc > 4) {
        level = atoi(argv[2]);
        strategy = atoi(argv[3]);
        filters = atoi(argv[4]);
    }
    if (argc > 5) mem_level = atoi(argv[5]);
    char text[64];
    buffer out = {0};
    size_t total = 0;
    for (int i = 0; i < 200 && i < count; i++) {  // warm-up, as in the Swift benchmark
        snprintf(text, sizeof text, "https://spruce.care/1%05d", i);
        QRcode *code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
        write_png(code, 8, 4, &out);
        QRcode_free(code);
    }
    double start = now_us();
    for (int i = 0; i < count; i++) {
        snprintf(text, sizeof text, "https://spruce.care/1%05d", i);
        QRcode *code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
        if (!code) return 1;
        size_t size = write_png(code, 8, 4, &out);
        if (!size) return 1;
        total += size;
        QRcode_free(code);
    }
    double micros = (now_us() - start) / count;
    printf("count=%d\npng_bytes=%zu\nc_png_us=%f\nchecksum=%zu\n", count, total / count, micros, total);
    free(out.bytes);
    return 0;
}
