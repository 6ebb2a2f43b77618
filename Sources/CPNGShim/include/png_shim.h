// A setjmp-safe face of libpng for Swift: libpng reports errors with longjmp,
// which Swift cannot catch, so every libpng call happens inside these functions.
#ifndef SYNERGEN_PNG_SHIM_H
#define SYNERGEN_PNG_SHIM_H

#include <stddef.h>
#include <stdint.h>

/// Result codes of the shim functions.
enum {
    SP_PNG_OK = 0,
    SP_PNG_CORRUPT = 1,    // libpng rejected the data (bad signature, CRC, zlib stream, ...)
    SP_PNG_TRUNCATED = 2,  // the data ended before the image did
    SP_PNG_NO_MEMORY = 3
};

typedef struct sp_png_decoder sp_png_decoder;

/// What the header says, and how `sp_png_read` will lay the pixels out.
typedef struct {
    uint32_t width;
    uint32_t height;
    int bit_depth;
    int color_type;
    int interlaced;
    /// 1 when the image has an alpha channel or a tRNS chunk.
    int has_alpha;
    /// 3 (RGB) or 4 (RGBA): channels of the 8-bit rows `sp_png_read` writes.
    int channels;
    /// eXIf chunk before IDAT, if any (valid until `sp_png_close`).
    const uint8_t *exif;
    uint32_t exif_length;
} sp_png_header;

/// Reads the signature and every chunk up to the image data.
/// On success `*decoder` must be closed with `sp_png_close`.
int sp_png_open(const uint8_t *data, size_t size, sp_png_decoder **decoder,
                sp_png_header *header, char *message, size_t message_size);

/// Decodes the image into `pixels` (height rows of width * channels bytes).
int sp_png_read(sp_png_decoder *decoder, uint8_t *pixels, char *message, size_t message_size);

void sp_png_close(sp_png_decoder *decoder);

/// Encodes 8-bit RGB (channels 3) or gray (channels 1) rows as a PNG.
/// `*out` is allocated with malloc; release it with `sp_png_free`.
int sp_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                  int compression_level, uint8_t **out, size_t *out_size,
                  char *message, size_t message_size);

void sp_png_free(void *pointer);

#endif
