#include "png_shim.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

struct sp_png_decoder {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t size;
    size_t offset;
    int truncated;
    char message[256];
};

static void on_error(png_structp png, png_const_charp text) {
    struct sp_png_decoder *d = (struct sp_png_decoder *)png_get_error_ptr(png);
    if (d) snprintf(d->message, sizeof d->message, "%s", text);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void read_from_memory(png_structp png, png_bytep out, size_t length) {
    struct sp_png_decoder *d = (struct sp_png_decoder *)png_get_io_ptr(png);
    if (d->size - d->offset < length) {
        d->truncated = 1;
        png_error(png, "unexpected end of data");
    }
    memcpy(out, d->data + d->offset, length);
    d->offset += length;
}

static int fail(struct sp_png_decoder *d, char *message, size_t message_size) {
    if (message && message_size) snprintf(message, message_size, "%s", d->message);
    return d->truncated ? SP_PNG_TRUNCATED : SP_PNG_CORRUPT;
}

int sp_png_open(const uint8_t *data, size_t size, sp_png_decoder **decoder,
                sp_png_header *header, char *message, size_t message_size) {
    *decoder = NULL;
    struct sp_png_decoder *d = calloc(1, sizeof *d);
    if (!d) return SP_PNG_NO_MEMORY;
    d->data = data;
    d->size = size;
    d->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, d, on_error, on_warning);
    if (!d->png) { free(d); return SP_PNG_NO_MEMORY; }
    d->info = png_create_info_struct(d->png);
    if (!d->info) { png_destroy_read_struct(&d->png, NULL, NULL); free(d); return SP_PNG_NO_MEMORY; }
    if (setjmp(png_jmpbuf(d->png))) {
        int code = fail(d, message, message_size);
        sp_png_close(d);
        return code;
    }
    png_set_read_fn(d->png, d, read_from_memory);
    png_read_info(d->png, d->info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(d->png, d->info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    int has_trns = png_get_valid(d->png, d->info, PNG_INFO_tRNS) != 0;
    int has_alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0 || has_trns;

    memset(header, 0, sizeof *header);
    header->width = width;
    header->height = height;
    header->bit_depth = bit_depth;
    header->color_type = color_type;
    header->interlaced = interlace != PNG_INTERLACE_NONE;
    header->has_alpha = has_alpha;
    header->channels = has_alpha ? 4 : 3;
#ifdef PNG_eXIf_SUPPORTED
    png_bytep exif = NULL;
    png_uint_32 exif_length = 0;
    if (png_get_eXIf_1(d->png, d->info, &exif_length, &exif) && exif) {
        header->exif = exif;
        header->exif_length = exif_length;
    }
#endif
    *decoder = d;
    return SP_PNG_OK;
}

int sp_png_read(sp_png_decoder *d, uint8_t *pixels, char *message, size_t message_size) {
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(d->png))) {
        free(rows);
        return fail(d, message, message_size);
    }
    png_uint_32 width = png_get_image_width(d->png, d->info);
    png_uint_32 height = png_get_image_height(d->png, d->info);
    int color_type = png_get_color_type(d->png, d->info);
    int has_trns = png_get_valid(d->png, d->info, PNG_INFO_tRNS) != 0;

    // Palette -> RGB, gray below 8 bits -> 8 bits (scaled), tRNS -> alpha.
    png_set_expand(d->png);
    // 16 -> 8 bits keeps the high byte (what Pillow's ";16B" unpackers do).
    png_set_strip_16(d->png);
    if ((color_type & PNG_COLOR_MASK_COLOR) == 0) png_set_gray_to_rgb(d->png);
    (void)has_trns;
    png_set_interlace_handling(d->png);
    png_read_update_info(d->png, d->info);

    size_t stride = png_get_rowbytes(d->png, d->info);
    rows = malloc(sizeof(png_bytep) * (height ? height : 1));
    if (!rows) return SP_PNG_NO_MEMORY;
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + (size_t)y * stride;
    (void)width;
    png_read_image(d->png, rows);
    free(rows);
    return SP_PNG_OK;
}

void sp_png_close(sp_png_decoder *d) {
    if (!d) return;
    png_destroy_read_struct(&d->png, &d->info, NULL);
    free(d);
}

struct sp_png_sink {
    uint8_t *bytes;
    size_t size;
    size_t capacity;
    int failed;
    char message[256];
};

static void write_to_memory(png_structp png, png_bytep data, size_t length) {
    struct sp_png_sink *s = (struct sp_png_sink *)png_get_io_ptr(png);
    if (s->size + length > s->capacity) {
        size_t capacity = s->capacity ? s->capacity : 65536;
        while (capacity < s->size + length) capacity *= 2;
        uint8_t *grown = realloc(s->bytes, capacity);
        if (!grown) { s->failed = 1; png_error(png, "out of memory"); }
        s->bytes = grown;
        s->capacity = capacity;
    }
    memcpy(s->bytes + s->size, data, length);
    s->size += length;
}

static void flush_memory(png_structp png) { (void)png; }

static void on_write_error(png_structp png, png_const_charp text) {
    struct sp_png_sink *s = (struct sp_png_sink *)png_get_error_ptr(png);
    if (s) snprintf(s->message, sizeof s->message, "%s", text);
    png_longjmp(png, 1);
}

int sp_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                  int compression_level, uint8_t **out, size_t *out_size,
                  char *message, size_t message_size) {
    *out = NULL;
    *out_size = 0;
    struct sp_png_sink sink;
    memset(&sink, 0, sizeof sink);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, on_write_error, on_warning);
    if (!png) return SP_PNG_NO_MEMORY;
    png_infop info = png_create_info_struct(png);
    if (!info) { png_destroy_write_struct(&png, NULL); return SP_PNG_NO_MEMORY; }
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        if (message && message_size) snprintf(message, message_size, "%s", sink.message);
        free(rows);
        free(sink.bytes);
        png_destroy_write_struct(&png, &info);
        return sink.failed ? SP_PNG_NO_MEMORY : SP_PNG_CORRUPT;
    }
    png_set_write_fn(png, &sink, write_to_memory, flush_memory);
    png_set_compression_level(png, compression_level);
    int color_type = channels == 1 ? PNG_COLOR_TYPE_GRAY
                   : channels == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB;
    png_set_IHDR(png, info, width, height, 8, color_type, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    rows = malloc(sizeof(png_bytep) * (height ? height : 1));
    if (!rows) { png_destroy_write_struct(&png, &info); return SP_PNG_NO_MEMORY; }
    for (uint32_t y = 0; y < height; y++) rows[y] = (png_bytep)(pixels + (size_t)y * width * channels);
    png_write_image(png, rows);
    png_write_end(png, info);
    free(rows);
    png_destroy_write_struct(&png, &info);
    *out = sink.bytes;
    *out_size = sink.size;
    return SP_PNG_OK;
}

void sp_png_free(void *pointer) { free(pointer); }
