#ifndef CSPRUCEPNG_H
#define CSPRUCEPNG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// How the two colors of a QR code are stored in the PNG.
typedef enum {
    /// 1-bit grayscale, dark modules black on white (the smallest file).
    SPRUCE_PNG_GRAY_BLACK_ON_WHITE = 0,
    /// 1-bit grayscale, dark modules white on black.
    SPRUCE_PNG_GRAY_WHITE_ON_BLACK = 1,
    /// 1-bit palette (2 entries: background, foreground) with a tRNS chunk when either color has alpha < 255.
    SPRUCE_PNG_PALETTE = 2,
} spruce_png_color_kind;

/// Everything the writer needs besides the module matrix.
typedef struct {
    int32_t scale;               ///< pixels per module, >= 1
    int32_t margin;              ///< quiet zone in modules, >= 0
    int32_t color_kind;          ///< a spruce_png_color_kind
    uint8_t foreground[4];       ///< RGBA of dark modules (palette only)
    uint8_t background[4];       ///< RGBA of light modules and the quiet zone (palette only)
    int32_t dpi;                 ///< > 0 writes a pHYs chunk; 0 writes none
    int32_t compression_level;   ///< zlib level 0...9, or -1 for libpng's default
    int32_t compression_strategy;///< zlib strategy (0 default, 1 filtered, 2 huffman only, 3 RLE),
                                 ///< or -1 for libpng's
    int32_t filters;             ///< PNG_FILTER_* mask (PNG_FILTER_NONE = 0x08, PNG_FILTER_UP = 0x20, ...), or 0 for libpng's
    int32_t memory_level;        ///< zlib memLevel 1...9, or 0 for libpng's (8). Small levels avoid a 256 KiB
                                 ///< buffer (an mmap per image) and a 64 KiB hash clear.
    int32_t window_bits;         ///< zlib window 9...15, or 0 for libpng's (sized to the image). A QR image
                                 ///< repeats its rows at short distances, so a small window means shorter codes.
} spruce_png_options;

/// A growable output buffer owned by C; release it with spruce_png_buffer_free.
typedef struct {
    uint8_t *bytes;
    size_t count;
    size_t capacity;
} spruce_png_buffer;

/// Error codes returned by spruce_png_write_matrix.
enum {
    SPRUCE_PNG_OK = 0,
    SPRUCE_PNG_INVALID_ARGUMENT = 1,
    SPRUCE_PNG_OUT_OF_MEMORY = 2,
    SPRUCE_PNG_LIBPNG_ERROR = 3,
    SPRUCE_PNG_TOO_LARGE = 4,
};

/// Writes a QR module matrix as a PNG into `out`.
///
/// `modules` is `width * width` bytes, row-major, non-zero = dark module. Each module becomes
/// `scale * scale` pixels; `margin` light modules surround the symbol. Rows are packed to 1 bit
/// per pixel here, once per module row, and handed to libpng `scale` times.
///
/// Returns SPRUCE_PNG_OK, or an error code with a NUL-terminated message copied into `message`
/// (libpng's own message when libpng failed). On error `out` is left empty.
int spruce_png_write_matrix(const uint8_t *modules, int32_t width, const spruce_png_options *options,
                            spruce_png_buffer *out, char *message, size_t message_size);

/// Frees the bytes of a buffer filled by spruce_png_write_matrix and resets it to empty.
void spruce_png_buffer_free(spruce_png_buffer *buffer);

#ifdef __cplusplus
}
#endif

#endif
