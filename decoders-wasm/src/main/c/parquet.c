/*
 * parquet.c - decoder module `parquet` for the encoding `capsule.parquet`: a column chunk stored
 * as Parquet pages (flat columns: max repetition level 0, max definition level 0 or 1).
 *
 * Payload at P = 8 (see format-spec/SPEC.md; the chunk header's flags are 0: validity comes
 * from the Parquet definition levels):
 *   0  u8  physical type (0 BOOLEAN .. 7 FIXED_LEN_BYTE_ARRAY)
 *   1  u8  compression codec (0 UNCOMPRESSED, 1 SNAPPY)
 *   2  u8  max definition level (0 or 1)
 *   3  u8  reserved, 0
 *   4  u32 type_length (FIXED_LEN_BYTE_ARRAY), else 0
 *   8  pages to the end of the chunk: an optional dictionary page first, then data pages (v1 or
 *      v2), each a Thrift compact-protocol PageHeader followed by compressed_page_size bytes.
 *
 * capsule_open parses every page header once (page table: body offset, sizes, first row, rows,
 * encoding) and decodes the dictionary page. capsule_decode decodes the pages overlapping the
 * request into a per-handle cache of the last decoded page (validity bitmap, values in the output
 * layout), then copies the requested rows out of it: sequential batches decode each page once.
 *
 * Module layout: Thrift reader, page table (open), snappy, RLE/bit-packed hybrid decoding
 * (definition levels into a validity bitmap, dictionary indices into u32), value decoding
 * (PLAIN, dictionary gather, scatter of dense values to rows with nulls), page cache, output.
 *
 * Where the time goes under Chicory (see capsule_abi.h): PLAIN fixed-width pages without nulls
 * are used in place and leave by one memory.copy; definition levels are appended 64 bits at a
 * time; dictionary pages of 1/2/4/8-byte values and VARIABLE pages without nulls are decoded in
 * one pass (RLE runs become fills, bit-packed runs are unpacked 8 indices per step and gathered
 * without an index array); snappy reads each element's tag and extra bytes with one load.
 *
 * Trust: every size from a page header is checked against the chunk at open; every index
 * against the dictionary size, every length against its page, every snappy copy against the
 * output while decoding. Wide loads and stores that may run past a value stay within SLACK spare
 * bytes that every scratch buffer, the dictionary and the outputs carry.
 */
#define CAPSULE_ENCODING "capsule.parquet"
#include "capsule_abi.h"

typedef int32_t i32;

enum { PT_BOOLEAN, PT_INT32, PT_INT64, PT_INT96, PT_FLOAT, PT_DOUBLE, PT_BYTE_ARRAY, PT_FLBA };
enum { PAGE_DATA = 0, PAGE_INDEX = 1, PAGE_DICTIONARY = 2, PAGE_DATA_V2 = 3 };
enum { ENC_PLAIN = 0, ENC_PLAIN_DICTIONARY = 2, ENC_RLE = 3, ENC_RLE_DICTIONARY = 8 };
enum { CODEC_UNCOMPRESSED = 0, CODEC_SNAPPY = 1 };

/* Spare bytes after every scratch buffer: wide loads and stores may run past the last value. */
#define SLACK 40
/* Values of at most SHORT_VALUE bytes are copied with 8-byte loads and stores (memory.copy is a
 * host call, dearer than a few loads and stores); they may touch up to 15 bytes past the value. */
#define SHORT_VALUE 64
/* Dictionary-encoded VARIABLE pages: reserve count * longest value up to this, else size exactly. */
#define FUSED_DATA_LIMIT (16u << 20)

static const char *const TYPE_NAMES[8] = {"BOOLEAN", "INT32", "INT64", "INT96",
                                          "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};

/* One data page of the chunk. */
typedef struct {
  u32 header_pos; /* chunk offset of the page header (used in messages) */
  u32 body_pos;   /* chunk offset of the page body */
  u32 comp_size;  /* compressed_page_size */
  u32 uncomp_size;
  u32 first_row;
  u32 rows;
  u32 levels_len; /* v2: definition_levels_byte_length; v1: 0 */
  u8 encoding;
  u8 v2;
  u8 compressed; /* the body (v1) or the values section (v2) is snappy-compressed */
  u8 pad;
} page_entry;

/* A buffer in the persistent region, reused and grown on demand. */
typedef struct {
  u8 *ptr;
  u64 cap;
} scratch;

typedef struct {
  capsule_chunk c;
  u32 ptype;
  u32 codec;
  u32 max_def;
  u32 in_width;  /* bytes per PLAIN value for fixed-width types, 0 for BOOLEAN and BYTE_ARRAY */
  page_entry *pages;
  u32 npages;
  /* dictionary (has_dict): FIXEDw dict_size * w bytes in the output layout (+SLACK);
   * VARIABLE u32 offsets[dict_size + 1] and dict_data (+SLACK) */
  u32 has_dict;
  u32 dict_size;
  const u8 *dict;
  const u8 *dict_data;
  u32 dict_max_len;
  /* the cached page: index + 1 (0: none), its validity (0: no null) and values */
  u32 cached;
  u32 c_rows;
  const u8 *c_valid;
  const u8 *c_values; /* BIT: bitmap; FIXEDw: rows * w bytes; VARIABLE: u32 offsets[rows + 1] */
  const u8 *c_data;   /* VARIABLE: value bytes */
  scratch decomp, levels, idx, dense, values, data;
} pq_state;

static int scratch_reserve(scratch *b, u64 size) {
  size += SLACK;
  if (size <= b->cap) return CAPSULE_OK;
  u64 want = b->cap + (b->cap >> 1);
  if (want < size) want = size;
  u8 *p = persist_alloc(want);
  if (!p) {
    p = persist_alloc(size);
    want = size;
  }
  if (!p)
    return FAIL1(CAPSULE_ENOMEM, "out of memory: cannot grow the wasm memory for a % byte page buffer",
                 size);
  b->ptr = p;
  b->cap = want;
  return CAPSULE_OK;
}

/* =============================================================================================
 * Thrift compact protocol
 * =========================================================================================== */

enum {
  T_STOP = 0, T_TRUE = 1, T_FALSE = 2, T_BYTE = 3, T_I16 = 4, T_I32 = 5, T_I64 = 6,
  T_DOUBLE = 7, T_BINARY = 8, T_LIST = 9, T_SET = 10, T_MAP = 11, T_STRUCT = 12
};
#define THRIFT_MAX_DEPTH 16

typedef struct {
  const u8 *base; /* the chunk */
  u64 pos;
  u64 end;
  u64 page_pos; /* offset of the page header being read */
} tr;

static NOINLINE int tr_truncated(const tr *t) {
  return FAIL3(CAPSULE_ECORRUPT,
               "truncated chunk: the page header at offset % runs past the end of the chunk (% bytes) at offset %",
               t->page_pos, t->end, t->pos);
}

/* Unsigned LEB128 of at most max_bytes bytes. */
static int tr_varint(tr *t, u32 max_bytes, u64 *out) {
  u64 v = 0;
  for (u32 i = 0; i < max_bytes; i++) {
    if (t->pos >= t->end) return tr_truncated(t);
    u32 b = t->base[t->pos++];
    v |= (u64)(b & 0x7F) << (7 * i);
    if (!(b & 0x80)) {
      *out = v;
      return CAPSULE_OK;
    }
  }
  return FAIL3(CAPSULE_ECORRUPT, "bad Thrift data in the page header at offset %: varint at offset % longer than % bytes",
               t->page_pos, t->pos - max_bytes, max_bytes);
}

/* A zigzag i32 (at most 5 bytes, value within 32 bits). */
static int tr_i32(tr *t, i32 *out) {
  u64 v;
  u64 at = t->pos;
  int rc = tr_varint(t, 5, &v);
  if (rc) return rc;
  if (v >> 32)
    return FAIL2(CAPSULE_ECORRUPT, "bad Thrift data in the page header at offset %: i32 at offset % out of range",
                 t->page_pos, at);
  *out = (i32)((u32)(v >> 1) ^ (0u - (u32)(v & 1)));
  return CAPSULE_OK;
}

static int tr_skip(tr *t, u32 type, u32 depth);

/* Skips n elements of type `type` inside a list, set or map (bools take one byte there). */
static int tr_skip_elements(tr *t, u64 n, u32 type, u32 depth) {
  /* Every element takes at least one byte, so a count above what is left is truncation. */
  if (n > t->end - t->pos) return tr_truncated(t);
  for (u64 i = 0; i < n; i++) {
    int rc = (type == T_TRUE || type == T_FALSE) ? tr_skip(t, T_BYTE, depth) : tr_skip(t, type, depth);
    if (rc) return rc;
  }
  return CAPSULE_OK;
}

/* Reads a field header: *type = T_STOP at the end of a struct. */
static int tr_field(tr *t, i32 *last_id, u32 *type, i32 *id) {
  if (t->pos >= t->end) return tr_truncated(t);
  u32 b = t->base[t->pos++];
  *type = b & 0x0F;
  if (*type == T_STOP) return CAPSULE_OK;
  if (b >> 4) {
    *id = *last_id + (i32)(b >> 4);
  } else {
    i32 v;
    int rc = tr_i32(t, &v);
    if (rc) return rc;
    *id = v;
  }
  *last_id = *id;
  return CAPSULE_OK;
}

static NOINLINE int tr_bad_type(const tr *t, u32 type) {
  return FAIL3(CAPSULE_ECORRUPT, "bad Thrift data in the page header at offset %: unknown type % at offset %",
               t->page_pos, type, t->pos);
}

static int tr_skip_struct(tr *t, u32 depth) {
  i32 last = 0, id;
  u32 type;
  for (;;) {
    int rc = tr_field(t, &last, &type, &id);
    if (rc) return rc;
    if (type == T_STOP) return CAPSULE_OK;
    rc = tr_skip(t, type, depth);
    if (rc) return rc;
  }
}

/* Skips a value of a struct field of type `type` (bools carry no byte there). */
static int tr_skip(tr *t, u32 type, u32 depth) {
  u64 v;
  if (depth > THRIFT_MAX_DEPTH)
    return FAIL3(CAPSULE_ECORRUPT, "bad Thrift data in the page header at offset %: nested deeper than % levels at offset %",
                 t->page_pos, THRIFT_MAX_DEPTH, t->pos);
  switch (type) {
    case T_TRUE:
    case T_FALSE:
      return CAPSULE_OK;
    case T_BYTE:
      if (t->pos >= t->end) return tr_truncated(t);
      t->pos++;
      return CAPSULE_OK;
    case T_I16: return tr_varint(t, 3, &v);
    case T_I32: return tr_varint(t, 5, &v);
    case T_I64: return tr_varint(t, 10, &v);
    case T_DOUBLE:
      if (t->end - t->pos < 8) return tr_truncated(t);
      t->pos += 8;
      return CAPSULE_OK;
    case T_BINARY: {
      int rc = tr_varint(t, 5, &v);
      if (rc) return rc;
      if (v > t->end - t->pos) return tr_truncated(t);
      t->pos += v;
      return CAPSULE_OK;
    }
    case T_LIST:
    case T_SET: {
      if (t->pos >= t->end) return tr_truncated(t);
      u32 h = t->base[t->pos++];
      u32 et = h & 0x0F;
      u64 n = h >> 4;
      if (n == 15) {
        int rc = tr_varint(t, 5, &n);
        if (rc) return rc;
      }
      if (et == T_STOP || et > T_STRUCT) return tr_bad_type(t, et);
      return tr_skip_elements(t, n, et, depth + 1);
    }
    case T_MAP: {
      u64 n;
      int rc = tr_varint(t, 5, &n);
      if (rc || n == 0) return rc;
      if (t->pos >= t->end) return tr_truncated(t);
      u32 kv = t->base[t->pos++];
      u32 kt = kv >> 4, vt = kv & 0x0F;
      if (kt == T_STOP || kt > T_STRUCT) return tr_bad_type(t, kt);
      if (vt == T_STOP || vt > T_STRUCT) return tr_bad_type(t, vt);
      if (n > t->end - t->pos) return tr_truncated(t);
      for (u64 i = 0; i < n; i++) {
        rc = tr_skip_elements(t, 1, kt, depth + 1);
        if (!rc) rc = tr_skip_elements(t, 1, vt, depth + 1);
        if (rc) return rc;
      }
      return CAPSULE_OK;
    }
    case T_STRUCT:
      return tr_skip_struct(t, depth + 1);
    default:
      return tr_bad_type(t, type);
  }
}

/* The fields of a PageHeader this decoder reads; ABSENT when not present. Each sub-header has its
 * own fields: a page may carry the sub-headers of other page types, and only the one matching
 * `type` is used (as parquet-java does), so they must not overwrite each other. */
#define ABSENT INT32_MIN
typedef struct {
  i32 num_values, encoding, def_encoding; /* def_encoding: DataPageHeader only */
} dph_fields;                             /* DataPageHeader (field 5), DictionaryPageHeader (7) */
typedef struct {
  i32 num_values, num_nulls, num_rows, encoding, def_len, rep_len, is_compressed;
} v2_fields; /* DataPageHeaderV2 (field 8) */
typedef struct {
  i32 type, uncomp, comp;
  i32 has_dph, has_dict, has_v2; /* which sub-header was present (1) */
  dph_fields dph, dict;
  v2_fields v2;
} page_header;

static NOINLINE int tr_field_type_error(const tr *t, const char *st, i32 id, u32 type) {
  return FAILS(CAPSULE_ECORRUPT,
               "bad Thrift data in the page header at offset %: field % of $ has compact type % at offset %",
               st, t->page_pos, (u64)(u32)id, type, t->pos);
}

/* Reads an i32 field into *out, checking its type. */
static int tr_i32_field(tr *t, const char *st, i32 id, u32 type, i32 *out) {
  if (type != T_I32) return tr_field_type_error(t, st, id, type);
  return tr_i32(t, out);
}

static int tr_bool_field(tr *t, const char *st, i32 id, u32 type, i32 *out) {
  if (type != T_TRUE && type != T_FALSE) return tr_field_type_error(t, st, id, type);
  *out = type == T_TRUE;
  return CAPSULE_OK;
}

/* DataPageHeader (v1, dict = 0) or DictionaryPageHeader (dict = 1). */
static int parse_dph(tr *t, dph_fields *h, int dict) {
  const char *st = dict ? "DictionaryPageHeader" : "DataPageHeader";
  i32 last = 0, id, ignored;
  u32 type;
  for (;;) {
    int rc = tr_field(t, &last, &type, &id);
    if (rc) return rc;
    if (type == T_STOP) return CAPSULE_OK;
    switch (id) {
      case 1: rc = tr_i32_field(t, st, id, type, &h->num_values); break;
      case 2: rc = tr_i32_field(t, st, id, type, &h->encoding); break;
      case 3:
        rc = dict ? tr_bool_field(t, st, id, type, &ignored)
                  : tr_i32_field(t, st, id, type, &h->def_encoding);
        break;
      case 4:
        rc = dict ? tr_skip(t, type, 2) : tr_i32_field(t, st, id, type, &ignored);
        break;
      default: rc = tr_skip(t, type, 2); break;
    }
    if (rc) return rc;
  }
}

static int parse_v2(tr *t, v2_fields *h) {
  const char *st = "DataPageHeaderV2";
  i32 last = 0, id;
  u32 type;
  for (;;) {
    int rc = tr_field(t, &last, &type, &id);
    if (rc) return rc;
    if (type == T_STOP) return CAPSULE_OK;
    switch (id) {
      case 1: rc = tr_i32_field(t, st, id, type, &h->num_values); break;
      case 2: rc = tr_i32_field(t, st, id, type, &h->num_nulls); break;
      case 3: rc = tr_i32_field(t, st, id, type, &h->num_rows); break;
      case 4: rc = tr_i32_field(t, st, id, type, &h->encoding); break;
      case 5: rc = tr_i32_field(t, st, id, type, &h->def_len); break;
      case 6: rc = tr_i32_field(t, st, id, type, &h->rep_len); break;
      case 7: rc = tr_bool_field(t, st, id, type, &h->is_compressed); break;
      default: rc = tr_skip(t, type, 2); break;
    }
    if (rc) return rc;
  }
}

/* Sub-header field: must be a struct and appear once. */
static int sub_header(tr *t, i32 id, u32 type, i32 *seen) {
  if (type != T_STRUCT) return tr_field_type_error(t, "PageHeader", id, type);
  if (*seen == 1)
    return FAIL2(CAPSULE_ECORRUPT, "bad Thrift data in the page header at offset %: field % appears twice",
                 t->page_pos, id);
  *seen = 1;
  return CAPSULE_OK;
}

static NOINLINE int missing_field(u64 pos, const char *st, const char *field) {
  failf(CAPSULE_ECORRUPT, "page header at offset %: $ lacks ", st, pos, 0, 0, 0);
  msg_put_str(g_msg, field);
  return CAPSULE_ECORRUPT;
}

static NOINLINE int negative_field(u64 pos, const char *what) {
  return FAILS(CAPSULE_ECORRUPT, "page header at offset %: $ is negative", what, pos, 0, 0, 0);
}

static int parse_page_header(tr *t, page_header *h) {
  const dph_fields no_dph = {ABSENT, ABSENT, ABSENT};
  const v2_fields no_v2 = {ABSENT, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT, 1}; /* is_compressed: true */
  h->type = h->uncomp = h->comp = ABSENT;
  h->has_dph = h->has_dict = h->has_v2 = 0;
  h->dph = no_dph;
  h->dict = no_dph;
  h->v2 = no_v2;
  i32 last = 0, id, ignored;
  u32 type;
  for (;;) {
    int rc = tr_field(t, &last, &type, &id);
    if (rc) return rc;
    if (type == T_STOP) break;
    switch (id) {
      case 1: rc = tr_i32_field(t, "PageHeader", id, type, &h->type); break;
      case 2: rc = tr_i32_field(t, "PageHeader", id, type, &h->uncomp); break;
      case 3: rc = tr_i32_field(t, "PageHeader", id, type, &h->comp); break;
      case 4: rc = tr_i32_field(t, "PageHeader", id, type, &ignored); break; /* crc */
      case 5:
        rc = sub_header(t, id, type, &h->has_dph);
        if (!rc) rc = parse_dph(t, &h->dph, 0);
        break;
      case 7:
        rc = sub_header(t, id, type, &h->has_dict);
        if (!rc) rc = parse_dph(t, &h->dict, 1);
        break;
      case 8:
        rc = sub_header(t, id, type, &h->has_v2);
        if (!rc) rc = parse_v2(t, &h->v2);
        break;
      default: rc = tr_skip(t, type, 1); break;
    }
    if (rc) return rc;
  }
  if (h->type == ABSENT) return missing_field(t->page_pos, "PageHeader", "type");
  if (h->uncomp == ABSENT) return missing_field(t->page_pos, "PageHeader", "uncompressed_page_size");
  if (h->comp == ABSENT) return missing_field(t->page_pos, "PageHeader", "compressed_page_size");
  if (h->uncomp < 0) return negative_field(t->page_pos, "uncompressed_page_size");
  if (h->comp < 0) return negative_field(t->page_pos, "compressed_page_size");
  return CAPSULE_OK;
}

/* =============================================================================================
 * Page table (capsule_open)
 * =========================================================================================== */

static const char *encoding_name(u32 e) {
  switch (e) {
    case 0: return "PLAIN";
    case 2: return "PLAIN_DICTIONARY";
    case 3: return "RLE";
    case 4: return "BIT_PACKED";
    case 5: return "DELTA_BINARY_PACKED";
    case 6: return "DELTA_LENGTH_BYTE_ARRAY";
    case 7: return "DELTA_BYTE_ARRAY";
    case 8: return "RLE_DICTIONARY";
    case 9: return "BYTE_STREAM_SPLIT";
    default: return "unknown";
  }
}


/* What walk_pages learns about the dictionary page. */
typedef struct {
  u32 present;
  u32 header_pos, body_pos, comp_size, uncomp_size, num_values;
} dict_page;

/* Checks a data page header and fills e (except first_row). Only the sub-header matching the page
 * type is read; a sub-header of another page type is ignored. */
static NOINLINE int check_data_page(const pq_state *s, const page_header *h, u64 pos, u64 body,
                           page_entry *e) {
  int v2 = h->type == PAGE_DATA_V2;
  if (v2 ? h->has_v2 != 1 : h->has_dph != 1)
    return FAIL2(CAPSULE_ECORRUPT, "data page at offset % lacks its %", pos, v2 ? 8 : 5);
  const char *st = v2 ? "DataPageHeaderV2" : "DataPageHeader";
  const i32 num_values = v2 ? h->v2.num_values : h->dph.num_values;
  const i32 encoding = v2 ? h->v2.encoding : h->dph.encoding;
  if (num_values == ABSENT) return missing_field(pos, st, "num_values");
  if (encoding == ABSENT) return missing_field(pos, st, "encoding");
  if (num_values < 0) return negative_field(pos, "num_values");
  u32 enc = (u32)encoding;
  if (enc != ENC_PLAIN && enc != ENC_PLAIN_DICTIONARY && enc != ENC_RLE_DICTIONARY)
    return FAILS(CAPSULE_ECORRUPT, "data page at offset % uses encoding % ($), which capsule.parquet does not support",
                 encoding_name(enc), pos, enc, 0, 0);
  if (enc != ENC_PLAIN && !s->has_dict)
    return FAIL2(CAPSULE_ECORRUPT, "data page at offset % uses dictionary encoding % but the chunk has no dictionary page",
                 pos, enc);
  e->header_pos = (u32)pos;
  e->body_pos = (u32)body;
  e->comp_size = (u32)h->comp;
  e->uncomp_size = (u32)h->uncomp;
  e->encoding = (u8)enc;
  e->v2 = (u8)v2;
  e->pad = 0;
  if (!v2) {
    const dph_fields *d = &h->dph;
    if (d->def_encoding == ABSENT) return missing_field(pos, st, "definition_level_encoding");
    if (s->max_def == 1 && d->def_encoding != ENC_RLE)
      return FAIL2(CAPSULE_ECORRUPT, "data page at offset %: definition_level_encoding % is not RLE (3)", pos,
                   (u32)d->def_encoding);
    e->rows = (u32)num_values;
    e->levels_len = 0;
    e->compressed = s->codec != CODEC_UNCOMPRESSED;
    if (s->codec == CODEC_UNCOMPRESSED && h->comp != h->uncomp)
      return FAIL3(CAPSULE_ECORRUPT, "uncompressed data page at offset % has compressed_page_size % != uncompressed_page_size %",
                   pos, h->comp, h->uncomp);
    if (s->max_def == 1 && !e->compressed) { /* the levels' length prefix, checked now */
      if (h->comp < 4 || load_u32(s->c.chunk + body) > (u32)h->comp - 4)
        return FAIL2(CAPSULE_ECORRUPT, "data page at offset %: definition levels do not fit in the % byte page",
                     pos, h->comp);
    }
    return CAPSULE_OK;
  }
  const v2_fields *d = &h->v2;
  if (d->num_rows == ABSENT) return missing_field(pos, st, "num_rows");
  if (d->def_len == ABSENT) return missing_field(pos, st, "definition_levels_byte_length");
  if (d->num_rows < 0) return negative_field(pos, "num_rows");
  if (d->def_len < 0) return negative_field(pos, "definition_levels_byte_length");
  if (d->num_values != d->num_rows)
    return FAIL3(CAPSULE_ECORRUPT, "data page v2 at offset %: num_values % != num_rows % (nested data is not supported)",
                 pos, d->num_values, d->num_rows);
  if (d->rep_len != 0 && d->rep_len != ABSENT)
    return FAIL2(CAPSULE_ECORRUPT, "data page v2 at offset %: repetition_levels_byte_length is %, must be 0", pos,
                 (u32)d->rep_len);
  if (s->max_def == 0 && d->def_len != 0)
    return FAIL3(CAPSULE_ECORRUPT, "data page v2 at offset %: definition_levels_byte_length % is wrong for max definition level %",
                 pos, d->def_len, s->max_def);
  if (d->def_len > h->comp || d->def_len > h->uncomp)
    return FAIL3(CAPSULE_ECORRUPT, "data page v2 at offset %: definition_levels_byte_length % exceeds the page size %",
                 pos, d->def_len, h->comp);
  e->rows = (u32)d->num_rows;
  e->levels_len = (u32)d->def_len;
  e->compressed = s->codec != CODEC_UNCOMPRESSED && d->is_compressed != 0;
  if (!e->compressed && h->comp != h->uncomp)
    return FAIL3(CAPSULE_ECORRUPT, "data page v2 at offset % is not compressed but compressed_page_size % != uncompressed_page_size %",
                 pos, h->comp, h->uncomp);
  return CAPSULE_OK;
}

static int check_dict_page(const pq_state *s, const page_header *h, u64 pos, u64 body,
                           u32 data_pages, dict_page *d) {
  const dph_fields *f = &h->dict;
  if (h->has_dict != 1) return FAIL1(CAPSULE_ECORRUPT, "dictionary page at offset % lacks its header (field 7)", pos);
  if (d->present) return FAIL1(CAPSULE_ECORRUPT, "second dictionary page at offset %", pos);
  if (data_pages) return FAIL1(CAPSULE_ECORRUPT, "dictionary page at offset % comes after a data page", pos);
  if (s->ptype == PT_BOOLEAN)
    return FAIL1(CAPSULE_ECORRUPT, "dictionary page at offset % in a BOOLEAN column", pos);
  if (f->num_values == ABSENT) return missing_field(pos, "DictionaryPageHeader", "num_values");
  if (f->encoding == ABSENT) return missing_field(pos, "DictionaryPageHeader", "encoding");
  if (f->num_values < 0) return negative_field(pos, "num_values");
  if (f->encoding != ENC_PLAIN && f->encoding != ENC_PLAIN_DICTIONARY)
    return FAIL2(CAPSULE_ECORRUPT, "dictionary page at offset % has encoding %; PLAIN (0) or PLAIN_DICTIONARY (2) expected",
                 pos, (u32)f->encoding);
  if (s->codec == CODEC_UNCOMPRESSED && h->comp != h->uncomp)
    return FAIL3(CAPSULE_ECORRUPT, "uncompressed dictionary page at offset % has compressed_page_size % != uncompressed_page_size %",
                 pos, h->comp, h->uncomp);
  d->present = 1;
  d->header_pos = (u32)pos;
  d->body_pos = (u32)body;
  d->comp_size = (u32)h->comp;
  d->uncomp_size = (u32)h->uncomp;
  d->num_values = (u32)f->num_values;
  return CAPSULE_OK;
}

/*
 * Parses every page header from `pos` to the end of the chunk. With table = 0 it only counts the
 * data pages (*npages) and finds the dictionary page; with a table it fills it.
 */
static int walk_pages(pq_state *s, u64 pos, page_entry *table, u32 *npages, dict_page *d) {
  const u64 end = s->c.chunk_len;
  u64 rows = 0;
  u32 count = 0;
  d->present = 0;
  while (pos < end) {
    tr t = {s->c.chunk, pos, end, pos};
    page_header h;
    int rc = parse_page_header(&t, &h);
    if (rc) return rc;
    u64 body = t.pos;
    if ((u64)h.comp > end - body)
      return FAIL4(CAPSULE_ECORRUPT, "truncated chunk: the page at offset % needs % bytes at offset %, the chunk has % bytes",
                   pos, h.comp, body, end);
    if (h.type == PAGE_DICTIONARY) {
      rc = check_dict_page(s, &h, pos, body, count, d);
      if (rc) return rc;
      s->has_dict = 1;
    } else if (h.type == PAGE_DATA || h.type == PAGE_DATA_V2) {
      page_entry e;
      rc = check_data_page(s, &h, pos, body, &e);
      if (rc) return rc;
      if (s->c.n == 0)
        return FAIL1(CAPSULE_ECORRUPT, "the chunk has 0 rows but a data page at offset %", pos);
      if (rows + e.rows > s->c.n)
        return FAIL3(CAPSULE_ECORRUPT, "the data page at offset % goes past row %, the chunk's row count (it starts at row %)",
                     pos, s->c.n, rows);
      e.first_row = (u32)rows;
      rows += e.rows;
      if (table) table[count] = e;
      count++;
    } else {
      return FAILS(CAPSULE_ECORRUPT, "page at offset % has type % ($); only dictionary and data pages are allowed",
                   h.type == PAGE_INDEX ? "INDEX_PAGE" : "unknown", pos, (u32)h.type, 0, 0);
    }
    pos = body + (u64)h.comp;
  }
  if (rows != s->c.n)
    return FAIL2(CAPSULE_ECORRUPT, "the data pages hold % rows but the chunk header says %", rows, s->c.n);
  *npages = count;
  return CAPSULE_OK;
}

/* =============================================================================================
 * Snappy (raw block format)
 * =========================================================================================== */

static NOINLINE int snappy_error(u64 where, const char *what, u64 at) {
  return FAILS(CAPSULE_ECORRUPT, "snappy data of the page at offset %: $ (compressed byte %)", what,
               where, at, 0, 0);
}

/*
 * Copies up to SHORT_VALUE bytes in 16-byte steps, which may read and write up to 15 bytes past
 * len: callers guarantee the room. A short copy costs a few loads and stores; memory.copy costs a
 * call through the host's Memory (and on JDK 17 a megamorphic one in Chicory), so it is kept for
 * long copies.
 */
static ALWAYS_INLINE void copy16s(u8 *dst, const u8 *src, u32 len) {
  for (u32 q = 0; q < len; q += 16) {
    store_u64(dst + q, load_u64(src + q));
    store_u64(dst + q + 8, load_u64(src + q + 8));
  }
}

/* Copies len bytes from out - off to out (off >= 1, overlapping: the pattern repeats). */
static ALWAYS_INLINE void snappy_copy(u8 *o, u32 off, u32 len) {
  if (off >= 16 && len <= SHORT_VALUE) { /* o has SLACK spare bytes; each step reads finished bytes */
    copy16s(o, o - off, len);
  } else if (off >= 8 && len <= SHORT_VALUE) {
    for (u32 q = 0; q < len; q += 8) store_u64(o + q, load_u64(o - off + q));
  } else if (off >= len) {
    __builtin_memcpy(o, o - off, len);
  } else if (len <= 32) {
    for (u32 k = 0; k < len; k++) o[k] = o[k - off];
  } else {
    const u8 *src = o - off;
    u32 done = 0;
    while (done < len) { /* the distance doubles: off, 2 off, 4 off, ... */
      u32 n = (u32)(o + done - src);
      if (n > len - done) n = len - done;
      __builtin_memcpy(o + done, src, n);
      done += n;
    }
  }
}

/*
 * One element (literal or copy) whose tag and extra bytes are in x, the 8 bytes at in + *ip (or
 * fewer, zero-extended, at the end of the input after its extra bytes were checked): one load
 * instead of one per byte. Returns 0 or what went wrong (1..5, see snappy_decompress).
 */
static ALWAYS_INLINE int snappy_element(const u8 *in, u64 in_len, u64 *ip, u8 *out, u64 out_len,
                                        u64 *op, u64 x) {
  u32 tag = (u32)x & 0xFF, len, off;
  switch (tag & 3) {
    case 0: {
      len = (tag >> 2) + 1;
      u64 at = *ip + 1;
      if (len > 60) {
        u32 nb = len - 60;
        u64 l = (x >> 8) & (((u64)1 << (8 * nb)) - 1);
        if (l >= 0xFFFFFFFFu) return 5;
        len = (u32)l + 1;
        at += nb;
      }
      if (len > in_len - at) return 1;
      if (len > out_len - *op) return 2;
      if (len <= 8 && in_len - at >= 8) {
        store_u64(out + *op, load_u64(in + at));
      } else if (len <= SHORT_VALUE && in_len - at >= SHORT_VALUE) { /* out has SLACK spare bytes */
        copy16s(out + *op, in + at, len);
      } else {
        __builtin_memcpy(out + *op, in + at, len);
      }
      *ip = at + len;
      *op += len;
      return 0;
    }
    case 1:
      len = 4 + ((tag >> 2) & 7);
      off = ((tag >> 5) << 8) | (u32)((x >> 8) & 0xFF);
      *ip += 2;
      break;
    case 2:
      len = (tag >> 2) + 1;
      off = (u32)((x >> 8) & 0xFFFF);
      *ip += 3;
      break;
    default:
      len = (tag >> 2) + 1;
      off = (u32)(x >> 8);
      *ip += 5;
      break;
  }
  if (off == 0 || off > *op) return 3;
  if (len > out_len - *op) return 4;
  u8 *o = out + *op;
  if (off >= 8 && len <= 8) { /* out has SLACK spare bytes */
    store_u64(o, load_u64(o - off));
  } else {
    snappy_copy(o, off, len);
  }
  *op += len;
  return 0;
}

/* Decompresses in[0, in_len) into out (out_len bytes + SLACK); `where` is the page offset. */
static NOINLINE int snappy_decompress(const u8 *in, u64 in_len, u8 *out, u64 out_len, u64 where) {
  u64 ip = 0, op = 0, ulen = 0;
  for (u32 i = 0;; i++) {
    if (ip >= in_len || i == 5) return snappy_error(where, "bad length varint", ip);
    u32 b = in[ip++];
    ulen |= (u64)(b & 0x7F) << (7 * i);
    if (!(b & 0x80)) break;
  }
  if (ulen != out_len)
    return FAIL3(CAPSULE_ECORRUPT, "snappy data of the page at offset % holds % bytes, the page header says %",
                 where, ulen, out_len);
  while (ip < in_len) {
    u64 at = ip;
    u64 x = 0;
    if (LIKELY(in_len - ip >= 8)) {
      x = load_u64(in + ip);
    } else {
      for (u32 k = 0; k < in_len - ip; k++) x |= (u64)in[ip + k] << (8 * k);
      /* the element must not use bytes past the end: check its extra bytes */
      u32 tag = (u32)x & 0xFF;
      u32 extra = (tag & 3) == 0 ? ((tag >> 2) >= 60 ? (tag >> 2) - 59 : 0) : (tag & 3) == 1 ? 1 : (tag & 3) == 2 ? 2 : 4;
      if (extra > in_len - ip - 1)
        return snappy_error(where, (tag & 3) ? "truncated copy" : "truncated literal length", ip + 1);
    }
    int e = snappy_element(in, in_len, &ip, out, out_len, &op, x);
    if (UNLIKELY(e)) {
      static const char *const what[6] = {"", "literal runs past the end", "literal overflows the page",
                                          "copy offset outside the output", "copy overflows the page",
                                          "literal too long"};
      return snappy_error(where, what[e], at + 1);
    }
  }
  if (op != out_len)
    return FAIL3(CAPSULE_ECORRUPT, "snappy data of the page at offset % decompresses to % bytes, expected %",
                 where, op, out_len);
  return CAPSULE_OK;
}

/* =============================================================================================
 * Bitmaps
 * =========================================================================================== */

static ALWAYS_INLINE u32 bit_at(const u8 *bm, u64 i) { return (bm[i >> 3] >> (i & 7)) & 1; }

/*
 * dst bits [o, o + len) = src bits [a, a + len) (src has src_len readable bytes); dst bits from o
 * on are 0 before the call, and the last byte written is zero past o + len. Returns the 1 bits.
 */
static NOINLINE u64 put_bits(u8 *dst, u64 o, const u8 *src, u64 src_len, u64 a, u32 len) {
  u32 head = (u32)((8 - (o & 7)) & 7);
  if (head > len) head = len;
  u64 ones = 0;
  for (u32 j = 0; j < head; j++) {
    u32 b = bit_at(src, a + j);
    dst[(o + j) >> 3] |= (u8)(b << ((o + j) & 7));
    ones += b;
  }
  return ones + copy_bits(dst + ((o + head) >> 3), src, src_len, a + head, len - head);
}

/* =============================================================================================
 * RLE / bit-packed hybrid
 * =========================================================================================== */

/* Context of the page being decoded, for messages. */
typedef struct {
  u64 page_pos;
  u32 first_row;
} page_ctx;

static NOINLINE int levels_error(const page_ctx *p, const char *what, u64 at) {
  return FAILS(CAPSULE_ECORRUPT, "definition levels of the page at offset %: $ (level byte %)", what,
               p->page_pos, at, 0, 0);
}

static int hybrid_header(const u8 *in, u64 len, u64 *pos, u32 *h) {
  u64 v = 0;
  for (u32 i = 0; i < 5; i++) {
    if (*pos >= len) return 1;
    u32 b = in[(*pos)++];
    v |= (u64)(b & 0x7F) << (7 * i);
    if (!(b & 0x80)) {
      if (v >> 32) return 2;
      *h = (u32)v;
      return 0;
    }
  }
  return 2;
}

/*
 * A bitmap written front to back, 64 bits at a time: `acc` holds the n (< 64) bits not yet
 * stored. Bits are only appended, so nothing needs zeroing first.
 */
typedef struct {
  u8 *out;
  u64 acc;
  u32 n;
} bit_writer;

/* Appends the c bits of v (1 <= c <= 64, no bits of v above c). */
static ALWAYS_INLINE void bits_append(bit_writer *w, u64 v, u32 c) {
  w->acc |= v << w->n;
  if (w->n + c >= 64) {
    store_u64(w->out, w->acc);
    w->out += 8;
    w->acc = w->n ? v >> (64 - w->n) : 0;
    w->n = w->n + c - 64;
  } else {
    w->n += c;
  }
}

/* Appends `count` copies of bit b. */
static void bits_run(bit_writer *w, u32 b, u32 count) {
  u64 ones = b ? ~(u64)0 : 0;
  if (w->n && count) {
    u32 c = 64 - w->n < count ? 64 - w->n : count;
    bits_append(w, ones >> (64 - c), c);
    count -= c;
  }
  if (count >= 64) { /* word aligned now */
    u64 bytes = (u64)(count >> 6) * 8;
    fill_bytes(w->out, (u8)ones, bytes);
    w->out += bytes;
    count &= 63;
  }
  if (count) bits_append(w, ones >> (64 - count), count);
}

/* Appends the first `count` bits of the bytes at src (ceil8(count) readable bytes). */
static u64 bits_copy(bit_writer *w, const u8 *src, u32 count) {
  u64 ones = 0;
  for (; count >= 64; count -= 64, src += 8) {
    u64 v = load_u64(src);
    ones += (u64)__builtin_popcountll(v);
    bits_append(w, v, 64);
  }
  if (count) {
    u64 v = 0;
    for (u32 k = 0; k < ceil8(count); k++) v |= (u64)src[k] << (8 * k);
    v &= low_mask(count);
    ones += (u64)__builtin_popcountll(v);
    bits_append(w, v, count);
  }
  return ones;
}

/*
 * Definition levels (bit width 1) for `rows` rows into the bitmap bm (ceil8(rows) + 8 bytes):
 * level 1 = valid. Returns the number of valid rows in *ones.
 */
static NOINLINE int decode_levels(const u8 *in, u64 len, u32 rows, u8 *bm, u32 *ones,
                                  const page_ctx *p) {
  bit_writer w = {bm, 0, 0};
  u64 pos = 0, valid = 0;
  u32 got = 0;
  while (got < rows) {
    u32 h;
    int e = hybrid_header(in, len, &pos, &h);
    if (e) return levels_error(p, e == 1 ? "truncated run header" : "run header too long", pos);
    if (h & 1) {
      u64 values = (u64)(h >> 1) * 8;
      u32 take = values < rows - got ? (u32)values : rows - got;
      if (ceil8(take) > len - pos) return levels_error(p, "truncated bit-packed run", pos);
      valid += bits_copy(&w, in + pos, take);
      pos += h >> 1;
      if (pos > len) pos = len; /* the unused rest of the last run may be missing */
      got += take;
    } else {
      u32 run = h >> 1;
      if (pos >= len) return levels_error(p, "truncated run value", pos);
      u32 v = in[pos++];
      if (v > 1) return levels_error(p, "level above the maximum 1", pos - 1);
      u32 take = run < rows - got ? run : rows - got;
      bits_run(&w, v, take);
      valid += v ? take : 0;
      got += take;
    }
  }
  if (w.n) store_u64(w.out, w.acc);
  *ones = (u32)valid;
  return CAPSULE_OK;
}

static NOINLINE int index_error(const page_ctx *p, u64 index, u64 value_no, u32 d) {
  return FAIL4(CAPSULE_ECORRUPT,
               "dictionary index % of non-null value % of the page at offset % is not below the dictionary size %",
               index, value_no, p->page_pos, d);
}

/*
 * Unpacks `groups` groups of 8 b-bit values from p into u32 out; L values per 8-byte load.
 * Returns groups, or the first group holding a value >= d (not written).
 */
static ALWAYS_INLINE u32 unpack_u32(u8 *out, const u8 *p, u32 b, u32 groups, u64 d, const u32 L) {
  const unpack_plan pl = make_plan(b);
  const u64 mask = low_mask(b);
  for (u32 g = 0; g < groups; g++, p += b, out += 32) {
    u64 v[8];
    unpack_group(v, p, &pl, b, mask, L);
    u64 below = ~(u64)0;
#pragma clang loop unroll(full)
    for (u32 q = 0; q < 8; q++) below &= v[q] - d;
    if (UNLIKELY(!(below >> 63))) return g;
    store_group(out, v, 4);
  }
  return groups;
}

#define UNPACK_U32(L) \
  static NOINLINE u32 unpack_u32_##L(u8 *out, const u8 *p, u32 b, u32 groups, u64 d) { return unpack_u32(out, p, b, groups, d, L); }
UNPACK_U32(1)
UNPACK_U32(2)
UNPACK_U32(4)
UNPACK_U32(8)

/* Values [0, count) of a b-bit packed run at p (avail readable bytes) one by one. */
static NOINLINE void unpack_slow(u32 *out, const u8 *p, u64 avail, u32 b, u32 count) {
  const u64 mask = low_mask(b);
  for (u32 i = 0; i < count; i++) {
    u64 bit = (u64)i * b, w = 0;
    u64 at = bit >> 3;
    for (u32 k = 0; k < 5 && at + k < avail; k++) w |= (u64)p[at + k] << (8 * k);
    out[i] = (u32)((w >> (bit & 7)) & mask);
  }
}

/* Index of the first value >= d among out[0, count), or count. */
static NOINLINE u32 first_above(const u32 *out, u32 count, u32 d) {
  u64 below = ~(u64)0;
  u32 i = 0;
  for (; i + 4 <= count; i += 4) {
    below &= ((u64)out[i] - d) & ((u64)out[i + 1] - d) & ((u64)out[i + 2] - d) & ((u64)out[i + 3] - d);
    if (UNLIKELY(!(below >> 63))) break;
  }
  for (; i < count; i++)
    if (out[i] >= d) return i;
  return count;
}

/*
 * Bit-packed run of dictionary indices: `take` values from p (avail readable bytes, enough for
 * ceil8(take * b)) into out. Groups whose 8-byte loads stay within avail use the fast kernels,
 * which check the indices against d. Returns how many leading values are checked; the caller
 * checks the rest.
 */
static u32 unpack_indices(u32 *out, const u8 *p, u64 avail, u32 b, u32 take, u32 d) {
  u32 groups = take >> 3;
  /* Group g's loads reach p + g*b + b + 8 at most (each load starts within the group). */
  u32 fast = avail >= (u64)b + 8 ? (u32)((avail - b - 8) / b) + 1 : 0;
  if (fast > groups) fast = groups;
  u32 L = values_per_load(b);
  u8 *o = (u8 *)out;
  u32 g;
  if (L == 8) g = unpack_u32_8(o, p, b, fast, d);
  else if (L == 4) g = unpack_u32_4(o, p, b, fast, d);
  else if (L == 2) g = unpack_u32_2(o, p, b, fast, d);
  else g = unpack_u32_1(o, p, b, fast, d);
  u64 done_bytes = (u64)g * b; /* after a bad group: from that group on, one by one */
  unpack_slow(out + 8 * g, p + done_bytes, avail - done_bytes, b, take - 8 * g);
  return 8 * g; /* values checked */
}

/*
 * Dictionary indices: byte bit width b (0..32), then the hybrid stream of k values, each < d,
 * into out (k + 8 entries).
 */
static NOINLINE int decode_indices(const u8 *in, u64 len, u32 k, u32 d, u32 *out, const page_ctx *p) {
  if (k == 0) return CAPSULE_OK;
  if (len < 1) return FAIL1(CAPSULE_ECORRUPT, "data page at offset %: missing the index bit width", p->page_pos);
  u32 b = in[0];
  if (b > 32)
    return FAIL2(CAPSULE_ECORRUPT, "data page at offset %: index bit width % is above 32", p->page_pos, b);
  if (b == 0) { /* every index is 0 */
    if (d == 0) return index_error(p, 0, 0, d);
    fill_bytes((u8 *)out, 0, 4 * (u64)k);
    return CAPSULE_OK;
  }
  u64 pos = 1;
  u32 got = 0;
  u32 vbytes = (b + 7) >> 3;
  while (got < k) {
    u32 h;
    int e = hybrid_header(in, len, &pos, &h);
    if (e)
      return FAILS(CAPSULE_ECORRUPT, "dictionary indices of the page at offset %: $ at index byte %",
                   e == 1 ? "truncated run header" : "run header too long", p->page_pos, pos, 0, 0);
    if (h & 1) {
      u64 values = (u64)(h >> 1) * 8;
      u32 take = values < k - got ? (u32)values : k - got;
      u64 need = ceil8((u64)take * b);
      if (need > len - pos)
        return FAIL2(CAPSULE_ECORRUPT, "dictionary indices of the page at offset %: truncated bit-packed run at index byte %",
                     p->page_pos, pos);
      u32 checked = unpack_indices(out + got, in + pos, len - pos, b, take, d);
      u32 bad = checked + first_above(out + got + checked, take - checked, d);
      if (bad != take) return index_error(p, out[got + bad], got + bad, d);
      u64 run_bytes = (u64)(h >> 1) * b;
      pos = run_bytes < len - pos ? pos + run_bytes : len;
      got += take;
    } else {
      u32 run = h >> 1;
      if (vbytes > len - pos)
        return FAIL2(CAPSULE_ECORRUPT, "dictionary indices of the page at offset %: truncated run value at index byte %",
                     p->page_pos, pos);
      u32 v = 0;
      for (u32 j = 0; j < vbytes; j++) v |= (u32)in[pos + j] << (8 * j);
      pos += vbytes;
      u32 take = run < k - got ? run : k - got;
      if (take && v >= d) return index_error(p, v, got, d);
      fill_value((u8 *)(out + got), v, take, 4);
      got += take;
    }
  }
  return CAPSULE_OK;
}

/* =============================================================================================
 * Values
 * =========================================================================================== */

/* Copies one w-byte value (w constant at the call sites that matter). */
static ALWAYS_INLINE void copy_w(u8 *dst, const u8 *src, u32 w) {
  switch (w) {
    case 1: *dst = *src; break;
    case 2: store_u16(dst, load_u16(src)); break;
    case 4: store_u32(dst, load_u32(src)); break;
    case 8: store_u64(dst, load_u64(src)); break;
    case 12: store_u64(dst, load_u64(src)); store_u32(dst + 8, load_u32(src + 8)); break;
    case 16: store_u64(dst, load_u64(src)); store_u64(dst + 8, load_u64(src + 8)); break;
    default: __builtin_memcpy(dst, src, w); break;
  }
}

/*
 * Scatter: rows [0, rows) of out (rows * w bytes) from the k dense non-null values (in row order)
 * and the validity bitmap; null slots are zero. 64 rows per validity word: all-valid and all-null
 * words are one copy or fill; mixed words take branch-free steps for w in {1, 2, 4, 8} (row i
 * gets the next dense value, masked to 0 when null; the index stays below k).
 */
static ALWAYS_INLINE void scatter(u8 *out, const u8 *dense, const u8 *valid, u32 rows, u32 k,
                                  const u32 w) {
  u64 j = 0;
  for (u32 r = 0; r < rows; r += 64) {
    u32 n = rows - r < 64 ? rows - r : 64;
    u64 word = 0;
    for (u32 q = 0; q < ceil8(n); q++) word |= (u64)valid[(r >> 3) + q] << (8 * q);
    const u64 all = n == 64 ? ~(u64)0 : low_mask(n);
    word &= all;
    u8 *o = out + (u64)r * w;
    if (word == all) {
      __builtin_memcpy(o, dense + j * w, (u64)n * w);
      j += n;
    } else if (word == 0) {
      __builtin_memset(o, 0, (u64)n * w);
    } else if (w == 1 || w == 2 || w == 4 || w == 8) {
      const u64 last = k - 1; /* k >= 1: the word has a valid row */
      u32 i = 0;
      /* 8 rows per loop iteration: every back-edge costs an interruption check. */
      for (; i + 8 <= n; i += 8, o += 8 * w) {
#pragma clang loop unroll(full)
        for (u32 q = 0; q < 8; q++) {
          u64 bit = (word >> (i + q)) & 1;
          u64 v = load_w(dense + (j < last ? j : last) * w, w);
          store_w(o + q * w, v & (0 - bit), w);
          j += bit;
        }
      }
      for (; i < n; i++, o += w) {
        u64 bit = (word >> i) & 1;
        u64 v = load_w(dense + (j < last ? j : last) * w, w);
        store_w(o, v & (0 - bit), w);
        j += bit;
      }
    } else {
      for (u32 i = 0; i < n; i++, o += w) {
        if ((word >> i) & 1) {
          copy_w(o, dense + j * w, w);
          j++;
        } else {
          __builtin_memset(o, 0, w);
        }
      }
    }
  }
}

#define SCATTER(W) \
  static NOINLINE void scatter_##W(u8 *o, const u8 *d, const u8 *v, u32 rows, u32 k) { scatter(o, d, v, rows, k, W); }
SCATTER(1)
SCATTER(2)
SCATTER(4)
SCATTER(8)
SCATTER(12)
SCATTER(16)
static NOINLINE void scatter_any(u8 *o, const u8 *d, const u8 *v, u32 rows, u32 k, u32 w) {
  scatter(o, d, v, rows, k, w);
}

static void scatter_values(u8 *o, const u8 *d, const u8 *v, u32 rows, u32 k, u32 w) {
  switch (w) {
    case 1: scatter_1(o, d, v, rows, k); break;
    case 2: scatter_2(o, d, v, rows, k); break;
    case 4: scatter_4(o, d, v, rows, k); break;
    case 8: scatter_8(o, d, v, rows, k); break;
    case 12: scatter_12(o, d, v, rows, k); break;
    case 16: scatter_16(o, d, v, rows, k); break;
    default: scatter_any(o, d, v, rows, k, w); break;
  }
}

/* BOOLEAN with nulls: bit r of out = the next dense bit if row r is valid, else 0. */
static NOINLINE void scatter_bits(u8 *out, const u8 *dense, const u8 *valid, u32 rows) {
  fill_bytes(out, 0, ceil8(rows));
  u64 j = 0;
  for (u32 r = 0; r < rows; r++) {
    if (bit_at(valid, r)) {
      out[r >> 3] |= (u8)(bit_at(dense, j) << (r & 7));
      j++;
    }
  }
}

/*
 * Gather: out[i] = dict[idx[i]] for i in [0, k), w-byte values, for the widths other than 1, 2, 4
 * and 8 (those are gathered while unpacking, without an index array: decode_dict_fixed). FIXED12
 * and FIXED16, the common ones, get copies specialized for their width.
 */
static ALWAYS_INLINE void gather(u8 *out, const u32 *idx, const u8 *dict, u32 k, const u32 w) {
  for (u32 i = 0; i < k; i++) copy_w(out + (u64)i * w, dict + (u64)idx[i] * w, w);
}

static NOINLINE void gather_12(u8 *o, const u32 *x, const u8 *d, u32 k) { gather(o, x, d, k, 12); }
static NOINLINE void gather_16(u8 *o, const u32 *x, const u8 *d, u32 k) { gather(o, x, d, k, 16); }
static NOINLINE void gather_any(u8 *o, const u32 *x, const u8 *d, u32 k, u32 w) { gather(o, x, d, k, w); }

static void gather_values(u8 *o, const u32 *x, const u8 *d, u32 k, u32 w) {
  switch (w) {
    case 12: gather_12(o, x, d, k); break;
    case 16: gather_16(o, x, d, k); break;
    default: gather_any(o, x, d, k, w); break;
  }
}

/*
 * Dictionary-encoded FIXEDw values, w in {1, 2, 4, 8}, decoded in one pass: RLE runs become fills
 * of the dictionary value, bit-packed runs are unpacked 8 indices at a time, checked and gathered
 * (no index array).
 */
static ALWAYS_INLINE u32 dict_groups(u8 *out, const u8 *p, u32 b, u32 groups, const u8 *dict, u64 d,
                                     const u32 w, const u32 L) {
  const unpack_plan pl = make_plan(b);
  const u64 mask = low_mask(b);
#pragma clang loop unroll_count(2)
  for (u32 g = 0; g < groups; g++, p += b, out += 8 * w) {
    u64 code[8];
    unpack_group(code, p, &pl, b, mask, L);
    /* code < d (both < 2^33) exactly when code - d wraps around: bit 63 set in every lane. */
    u64 below = ~(u64)0;
#pragma clang loop unroll(full)
    for (u32 q = 0; q < 8; q++) below &= code[q] - d;
    if (UNLIKELY(!(below >> 63))) return g;
    u64 v[8];
#pragma clang loop unroll(full)
    for (u32 q = 0; q < 8; q++) v[q] = load_u64(dict + code[q] * w); /* the dictionary has SLACK */
    store_group(out, v, w);
  }
  return groups;
}

#define DICT_GROUPS(W, L)                                                                       \
  static NOINLINE u32 dict_groups_##W##_##L(u8 *o, const u8 *p, u32 b, u32 g, const u8 *t, u64 d) { \
    return dict_groups(o, p, b, g, t, d, W, L);                                                 \
  }
#define DICT_GROUPS_W(W) DICT_GROUPS(W, 1) DICT_GROUPS(W, 2) DICT_GROUPS(W, 4) DICT_GROUPS(W, 8)
DICT_GROUPS_W(1)
DICT_GROUPS_W(2)
DICT_GROUPS_W(4)
DICT_GROUPS_W(8)

static u32 run_dict_groups(u32 w, u8 *o, const u8 *p, u32 b, u32 groups, const u8 *dict, u64 d) {
  u32 L = values_per_load(b);
#define CASE(W)                                                                  \
  case W:                                                                        \
    return L == 8   ? dict_groups_##W##_8(o, p, b, groups, dict, d)              \
           : L == 4 ? dict_groups_##W##_4(o, p, b, groups, dict, d)              \
           : L == 2 ? dict_groups_##W##_2(o, p, b, groups, dict, d)              \
                    : dict_groups_##W##_1(o, p, b, groups, dict, d);
  switch (w) {
    CASE(1)
    CASE(2)
    CASE(4)
    default: CASE(8)
  }
#undef CASE
}

/* count copies of the w-byte value at src, w in {1, 2, 4, 8}. */
static NOINLINE void fill_w(u8 *o, const u8 *src, u32 count, u32 w) {
  switch (w) {
    case 1: fill_value(o, load_w(src, 1), count, 1); break;
    case 2: fill_value(o, load_w(src, 2), count, 2); break;
    case 4: fill_value(o, load_w(src, 4), count, 4); break;
    default: fill_value(o, load_w(src, 8), count, 8); break;
  }
}

/* Values [from, take) of a bit-packed run at p (avail bytes) one group at a time, checked. */
static NOINLINE int dict_packed_tail(u8 *out, const u8 *p, u64 avail, u32 b, u32 from, u32 take,
                                     const u8 *dict, u32 d, u32 w, u32 value_no, const page_ctx *pc) {
  u32 idx[8];
  for (u32 i = from; i < take; i += 8) {
    u32 cnt = take - i < 8 ? take - i : 8;
    u64 at = ((u64)i * b) >> 3;
    unpack_slow(idx, p + at, avail - at, b, cnt);
    for (u32 q = 0; q < cnt; q++) {
      if (idx[q] >= d) return index_error(pc, idx[q], (u64)value_no + i + q, d);
      copy_w(out + (u64)(i + q) * w, dict + (u64)idx[q] * w, w);
    }
  }
  return CAPSULE_OK;
}

static NOINLINE int decode_dict_fixed(u8 *out, const u8 *in, u64 len, u32 k, const pq_state *s,
                                      const page_ctx *p) {
  const u32 w = s->c.width, d = s->dict_size;
  const u8 *dict = s->dict;
  if (k == 0) return CAPSULE_OK;
  if (len < 1) return FAIL1(CAPSULE_ECORRUPT, "data page at offset %: missing the index bit width", p->page_pos);
  u32 b = in[0];
  if (b > 32)
    return FAIL2(CAPSULE_ECORRUPT, "data page at offset %: index bit width % is above 32", p->page_pos, b);
  if (b == 0) { /* every index is 0 */
    if (d == 0) return index_error(p, 0, 0, d);
    fill_w(out, dict, k, w);
    return CAPSULE_OK;
  }
  u64 pos = 1;
  u32 got = 0, vbytes = (b + 7) >> 3;
  while (got < k) {
    u32 h;
    int e = hybrid_header(in, len, &pos, &h);
    if (e)
      return FAILS(CAPSULE_ECORRUPT, "dictionary indices of the page at offset %: $ at index byte %",
                   e == 1 ? "truncated run header" : "run header too long", p->page_pos, pos, 0, 0);
    u8 *o = out + (u64)got * w;
    if (h & 1) {
      u64 values = (u64)(h >> 1) * 8;
      u32 take = values < k - got ? (u32)values : k - got;
      u64 avail = len - pos;
      if (ceil8((u64)take * b) > avail)
        return FAIL2(CAPSULE_ECORRUPT, "dictionary indices of the page at offset %: truncated bit-packed run at index byte %",
                     p->page_pos, pos);
      u32 groups = take >> 3;
      u32 fast = avail >= (u64)b + 8 ? (u32)((avail - 8) / b) : 0; /* groups whose loads fit */
      if (fast > groups) fast = groups;
      u32 g = run_dict_groups(w, o, in + pos, b, fast, dict, d);
      /* After a bad group, the tail path stops at the bad index. */
      int rc = dict_packed_tail(o, in + pos, avail, b, 8 * g, take, dict, d, w, got, p);
      if (rc) return rc;
      u64 run_bytes = (u64)(h >> 1) * b;
      pos = run_bytes < avail ? pos + run_bytes : len;
      got += take;
    } else {
      u32 run = h >> 1;
      if (vbytes > len - pos)
        return FAIL2(CAPSULE_ECORRUPT, "dictionary indices of the page at offset %: truncated run value at index byte %",
                     p->page_pos, pos);
      u32 v = 0;
      for (u32 j = 0; j < vbytes; j++) v |= (u32)in[pos + j] << (8 * j);
      pos += vbytes;
      u32 take = run < k - got ? run : k - got;
      if (take && v >= d) return index_error(p, v, got, d);
      if (take) fill_w(o, dict + (u64)v * w, take, w);
      got += take;
    }
  }
  return CAPSULE_OK;
}

/* INT32 PLAIN values narrowed to their low w (1 or 2) bytes. */
static NOINLINE void narrow_int32(u8 *out, const u8 *in, u32 k, u32 w) {
  if (w == 1) {
    for (u32 i = 0; i < k; i++) out[i] = in[4 * (u64)i];
  } else {
    for (u32 i = 0; i < k; i++) store_u16(out + 2 * (u64)i, load_u16(in + 4 * (u64)i));
  }
}

/*
 * Copies vl bytes; values of at most SHORT_VALUE bytes by 8-byte words, which may read and write
 * up to 15 bytes past the value: callers guarantee SHORT_VALUE readable bytes at src (or the
 * value is longer) and SLACK spare bytes after dst's room.
 */
static ALWAYS_INLINE void copy_short(u8 *dst, const u8 *src, u32 vl) {
  if (LIKELY(vl <= 8)) {
    store_u64(dst, load_u64(src));
  } else if (vl <= SHORT_VALUE) {
    copy16s(dst, src, vl);
  } else {
    __builtin_memcpy(dst, src, vl);
  }
}

/*
 * VARIABLE PLAIN: rows [0, rows) from the length-prefixed values in[0, len) into offsets
 * (rows + 1) and data (len + SLACK bytes). valid = 0: no null.
 */
static ALWAYS_INLINE int plain_bytes(u8 *offs, u8 *data, const u8 *in, u64 len, const u8 *valid,
                                     u32 rows, const page_ctx *p, const int nulls) {
  u64 pos = 0;
  u32 acc = 0;
  store_u32(offs, 0);
#pragma clang loop unroll_count(4) /* fewer loop back-edges: each costs an interruption check */
  for (u32 i = 0; i < rows; i++) {
    if (nulls && !bit_at(valid, i)) {
      store_u32(offs + 4 * (u64)i + 4, acc);
      continue;
    }
    if (UNLIKELY(len - pos < 4))
      return FAIL2(CAPSULE_ECORRUPT, "PLAIN values of the page at offset % end before row %",
                   p->page_pos, (u64)p->first_row + i);
    u32 vl = load_u32(in + pos);
    pos += 4;
    if (UNLIKELY(vl > len - pos))
      return FAIL3(CAPSULE_ECORRUPT, "PLAIN value of row % in the page at offset % has length % past the page end",
                   (u64)p->first_row + i, p->page_pos, vl);
    if (len - pos >= SHORT_VALUE) {
      copy_short(data + acc, in + pos, vl);
    } else {
      __builtin_memcpy(data + acc, in + pos, vl);
    }
    pos += vl;
    acc += vl;
    store_u32(offs + 4 * (u64)i + 4, acc);
  }
  return CAPSULE_OK;
}

static NOINLINE int plain_bytes_all(u8 *o, u8 *d, const u8 *in, u64 len, const u8 *v, u32 rows,
                                    const page_ctx *p) {
  return plain_bytes(o, d, in, len, v, rows, p, 0);
}

static NOINLINE int plain_bytes_nulls(u8 *o, u8 *d, const u8 *in, u64 len, const u8 *v, u32 rows,
                                      const page_ctx *p) {
  return plain_bytes(o, d, in, len, v, rows, p, 1);
}

/* VARIABLE dictionary: rows from the checked indices; data has room for all values + SLACK. */
static ALWAYS_INLINE void dict_bytes(u8 *offs, u8 *data, const pq_state *s, const u32 *idx,
                                     const u8 *valid, u32 rows, const int nulls) {
  const u8 *doffs = s->dict, *ddata = s->dict_data;
  u32 acc = 0, j = 0;
  store_u32(offs, 0);
#pragma clang loop unroll_count(4)
  for (u32 i = 0; i < rows; i++) {
    if (!nulls || bit_at(valid, i)) {
      u64 bounds = load_u64(doffs + 4 * (u64)idx[j++]); /* offsets[c] | offsets[c + 1] << 32 */
      u32 start = (u32)bounds, vl = (u32)(bounds >> 32) - start;
      copy_short(data + acc, ddata + start, vl); /* the dictionary data has SLACK spare bytes */
      acc += vl;
    }
    store_u32(offs + 4 * (u64)i + 4, acc);
  }
}

static NOINLINE void dict_bytes_all(u8 *o, u8 *d, const pq_state *s, const u32 *x, const u8 *v, u32 rows) {
  dict_bytes(o, d, s, x, v, rows, 0);
}

static NOINLINE void dict_bytes_nulls(u8 *o, u8 *d, const pq_state *s, const u32 *x, const u8 *v, u32 rows) {
  dict_bytes(o, d, s, x, v, rows, 1);
}

/*
 * Dictionary-encoded VARIABLE values of a page without nulls, in one pass (no index array):
 * appends dictionary value `code` at data + acc and returns the new end. The dictionary data
 * has SLACK spare bytes and the output room for every value plus SLACK (copy_short).
 */
static ALWAYS_INLINE u32 put_value(u8 *data, u32 acc, const u8 *doffs, const u8 *ddata, u64 code) {
  u64 bounds = load_u64(doffs + 4 * code); /* offsets[code] | offsets[code + 1] << 32 */
  u32 start = (u32)bounds, vl = (u32)(bounds >> 32) - start;
  copy_short(data + acc, ddata + start, vl);
  return acc + vl;
}

/* Groups of 8 indices from p into values; returns groups or the first bad group (unwritten). */
static ALWAYS_INLINE u32 dict_var_groups(u8 *offs, u8 *data, u32 *acc, const u8 *p, u32 b,
                                         u32 groups, const pq_state *s, const u32 L) {
  const unpack_plan pl = make_plan(b);
  const u64 mask = low_mask(b), d = s->dict_size;
  const u8 *doffs = s->dict, *ddata = s->dict_data;
  u32 a = *acc;
  for (u32 g = 0; g < groups; g++, p += b, offs += 32) {
    u64 code[8];
    unpack_group(code, p, &pl, b, mask, L);
    u64 below = ~(u64)0;
#pragma clang loop unroll(full)
    for (u32 q = 0; q < 8; q++) below &= code[q] - d;
    if (UNLIKELY(!(below >> 63))) {
      *acc = a;
      return g;
    }
#pragma clang loop unroll(full)
    for (u32 q = 0; q < 8; q++) {
      a = put_value(data, a, doffs, ddata, code[q]);
      store_u32(offs + 4 * q, a);
    }
  }
  *acc = a;
  return groups;
}

#define DICT_VAR_GROUPS(L)                                                                     \
  static NOINLINE u32 dict_var_groups_##L(u8 *o, u8 *data, u32 *acc, const u8 *p, u32 b, u32 g, \
                                          const pq_state *s) {                                 \
    return dict_var_groups(o, data, acc, p, b, g, s, L);                                       \
  }
DICT_VAR_GROUPS(1)
DICT_VAR_GROUPS(2)
DICT_VAR_GROUPS(4)
DICT_VAR_GROUPS(8)

/* `count` rows of dictionary value `code` (checked). */
static NOINLINE u32 dict_var_run(u8 *offs, u8 *data, u32 acc, const pq_state *s, u32 code, u32 count) {
#pragma clang loop unroll_count(4)
  for (u32 i = 0; i < count; i++) {
    acc = put_value(data, acc, s->dict, s->dict_data, code);
    store_u32(offs + 4 * (u64)i, acc);
  }
  return acc;
}

/*
 * offs[1 .. k] and data (room for k * longest value + SLACK) from the index stream of a page
 * without nulls.
 */
static NOINLINE int decode_dict_variable(u8 *offs, u8 *data, const u8 *in, u64 len, u32 k,
                                         const pq_state *s, const page_ctx *p) {
  const u32 d = s->dict_size;
  store_u32(offs, 0);
  if (k == 0) return CAPSULE_OK;
  if (len < 1) return FAIL1(CAPSULE_ECORRUPT, "data page at offset %: missing the index bit width", p->page_pos);
  u32 b = in[0];
  if (b > 32)
    return FAIL2(CAPSULE_ECORRUPT, "data page at offset %: index bit width % is above 32", p->page_pos, b);
  if (b == 0) {
    if (d == 0) return index_error(p, 0, 0, d);
    dict_var_run(offs + 4, data, 0, s, 0, k);
    return CAPSULE_OK;
  }
  u64 pos = 1;
  u32 got = 0, acc = 0, vbytes = (b + 7) >> 3;
  while (got < k) {
    u32 h;
    int e = hybrid_header(in, len, &pos, &h);
    if (e)
      return FAILS(CAPSULE_ECORRUPT, "dictionary indices of the page at offset %: $ at index byte %",
                   e == 1 ? "truncated run header" : "run header too long", p->page_pos, pos, 0, 0);
    u8 *o = offs + 4 * ((u64)got + 1);
    if (h & 1) {
      u64 values = (u64)(h >> 1) * 8;
      u32 take = values < k - got ? (u32)values : k - got;
      u64 avail = len - pos;
      if (ceil8((u64)take * b) > avail)
        return FAIL2(CAPSULE_ECORRUPT, "dictionary indices of the page at offset %: truncated bit-packed run at index byte %",
                     p->page_pos, pos);
      u32 groups = take >> 3;
      u32 fast = avail >= (u64)b + 8 ? (u32)((avail - 8) / b) : 0;
      if (fast > groups) fast = groups;
      u32 L = values_per_load(b), g;
      const u8 *src = in + pos;
      if (L == 8) g = dict_var_groups_8(o, data, &acc, src, b, fast, s);
      else if (L == 4) g = dict_var_groups_4(o, data, &acc, src, b, fast, s);
      else if (L == 2) g = dict_var_groups_2(o, data, &acc, src, b, fast, s);
      else g = dict_var_groups_1(o, data, &acc, src, b, fast, s);
      u32 idx[8];
      for (u32 i = 8 * g; i < take; i += 8) { /* the rest, and a bad group, one by one */
        u32 cnt = take - i < 8 ? take - i : 8;
        u64 at = ((u64)i * b) >> 3;
        unpack_slow(idx, src + at, avail - at, b, cnt);
        for (u32 q = 0; q < cnt; q++) {
          if (idx[q] >= d) return index_error(p, idx[q], (u64)got + i + q, d);
          acc = put_value(data, acc, s->dict, s->dict_data, idx[q]);
          store_u32(o + 4 * ((u64)i + q), acc);
        }
      }
      u64 run_bytes = (u64)(h >> 1) * b;
      pos = run_bytes < avail ? pos + run_bytes : len;
      got += take;
    } else {
      u32 run = h >> 1;
      if (vbytes > len - pos)
        return FAIL2(CAPSULE_ECORRUPT, "dictionary indices of the page at offset %: truncated run value at index byte %",
                     p->page_pos, pos);
      u32 v = 0;
      for (u32 j = 0; j < vbytes; j++) v |= (u32)in[pos + j] << (8 * j);
      pos += vbytes;
      u32 take = run < k - got ? run : k - got;
      if (take && v >= d) return index_error(p, v, got, d);
      acc = dict_var_run(o, data, acc, s, v, take);
      got += take;
    }
  }
  return CAPSULE_OK;
}

/* Total bytes of the dictionary values idx[0, k). */
static NOINLINE u64 dict_bytes_total(const pq_state *s, const u32 *idx, u32 k) {
  u64 total = 0;
  for (u32 i = 0; i < k; i++) {
    u64 bounds = load_u64(s->dict + 4 * (u64)idx[i]);
    total += (u32)(bounds >> 32) - (u32)bounds;
  }
  return total;
}

/* =============================================================================================
 * Dictionary page (capsule_open)
 * =========================================================================================== */

/* The body of a page in *out, decompressed into buf if needed. */
static int page_body(pq_state *s, u32 body_pos, u32 comp, u32 uncomp, int compressed, u64 where,
                     scratch *buf, const u8 **out) {
  const u8 *body = s->c.chunk + body_pos;
  *out = body;
  /* An empty section is no snappy stream (writers store 0 bytes for it, not the 1-byte stream). */
  if (!compressed || (comp == 0 && uncomp == 0)) return CAPSULE_OK;
  /* Snappy makes at most 64 bytes of 3 (a copy with a 2-byte offset): a header claiming more is
   * corrupt, and is refused before a buffer of that size is asked for. */
  if ((u64)uncomp > 22 * (u64)comp)
    return FAIL3(CAPSULE_ECORRUPT, "snappy data of the page at offset % is % bytes, too few for the % bytes the page header says",
                 where, comp, uncomp);
  int rc = scratch_reserve(buf, uncomp);
  if (!rc) rc = snappy_decompress(body, comp, buf->ptr, uncomp, where);
  *out = buf->ptr;
  return rc;
}

/* Decodes the dictionary page into s->dict (and s->dict_data). A compressed page is decompressed
 * into the data pages' buffer s->decomp, which the dictionary no longer needs once decoded. */
static int open_dictionary(pq_state *s, const dict_page *dp) {
  const u8 *in;
  int rc = page_body(s, dp->body_pos, dp->comp_size, dp->uncomp_size,
                     s->codec != CODEC_UNCOMPRESSED, dp->header_pos, &s->decomp, &in);
  if (rc) return rc;
  u64 len = dp->uncomp_size;
  u32 d = dp->num_values;
  s->dict_size = d;
  if (s->c.layout != LAYOUT_VARIABLE) {
    u32 w = s->c.width, iw = s->in_width;
    if ((u64)d * iw > len)
      return FAIL4(CAPSULE_ECORRUPT, "dictionary page at offset %: % values need % bytes, the page has %",
                   dp->header_pos, d, (u64)d * iw, len);
    u8 *t = persist_alloc((u64)d * w + SLACK);
    if (!t) return FAIL0(CAPSULE_ENOMEM, "out of memory: cannot allocate the dictionary");
    if (w == iw) {
      __builtin_memcpy(t, in, (u64)d * w);
    } else {
      narrow_int32(t, in, d, w);
    }
    fill_bytes(t + (u64)d * w, 0, SLACK);
    s->dict = t;
    return CAPSULE_OK;
  }
  /* Every PLAIN BYTE_ARRAY value takes at least its 4 length bytes: check before allocating the
   * offsets, so that a huge num_values is reported as corrupt, not as out of memory. */
  if (4 * (u64)d > len)
    return FAIL4(CAPSULE_ECORRUPT, "dictionary page at offset %: % values need at least % bytes, the page has %",
                 dp->header_pos, d, 4 * (u64)d, len);
  u8 *offs = persist_alloc(4 * ((u64)d + 1) + SLACK);
  u8 *data = offs ? persist_alloc(len + SLACK) : 0;
  if (!data) return FAIL0(CAPSULE_ENOMEM, "out of memory: cannot allocate the dictionary");
  u64 pos = 0;
  u32 acc = 0, max_len = 0;
  store_u32(offs, 0);
  for (u32 i = 0; i < d; i++) {
    if (len - pos < 4 || load_u32(in + pos) > len - pos - 4)
      return FAIL2(CAPSULE_ECORRUPT, "dictionary page at offset %: value % runs past the end of the page",
                   dp->header_pos, i);
    u32 vl = load_u32(in + pos);
    __builtin_memcpy(data + acc, in + pos + 4, vl);
    pos += 4 + (u64)vl;
    acc += vl;
    max_len = vl > max_len ? vl : max_len;
    store_u32(offs + 4 * (u64)i + 4, acc);
  }
  fill_bytes(data + acc, 0, SLACK);
  s->dict = offs;
  s->dict_data = data;
  s->dict_max_len = max_len;
  return CAPSULE_OK;
}

/* =============================================================================================
 * capsule_open
 * =========================================================================================== */

/* Whether a layout and a physical type go together (type_length checked by the caller). */
static int layout_matches(u32 layout, u32 width, u32 ptype) {
  switch (ptype) {
    case PT_BOOLEAN: return layout == LAYOUT_BIT;
    case PT_INT32: return width == 1 || width == 2 || width == 4;
    case PT_FLOAT: return width == 4;
    case PT_INT64:
    case PT_DOUBLE: return width == 8;
    case PT_INT96: return width == 12;
    case PT_BYTE_ARRAY: return layout == LAYOUT_VARIABLE;
    default: return width >= 1; /* FIXED_LEN_BYTE_ARRAY: any FIXEDw */
  }
}

static int pq_open(capsule_chunk *c, cursor *cur) {
  pq_state *s = (pq_state *)c;
  /* The state's memory may have held earlier outputs: clear everything after the common part. */
  __builtin_memset((u8 *)s + sizeof(capsule_chunk), 0, sizeof(pq_state) - sizeof(capsule_chunk));
  if (c->validity)
    return FAIL0(CAPSULE_ECORRUPT, "flags byte at offset 5 is 1: capsule.parquet chunks carry no validity bitmap (flags must be 0)");
  const u8 *h = take(cur, 8, "parquet column header");
  if (!h) return CAPSULE_ECORRUPT;
  s->ptype = h[0];
  s->codec = h[1];
  s->max_def = h[2];
  u32 type_length = load_u32(h + 4);
  if (s->ptype > PT_FLBA) return FAIL1(CAPSULE_ECORRUPT, "unknown Parquet physical type % at offset 8", s->ptype);
  if (s->codec > CODEC_SNAPPY)
    return FAIL1(CAPSULE_ECORRUPT, "compression codec % at offset 9 is not supported (0 UNCOMPRESSED, 1 SNAPPY)",
                 s->codec);
  if (s->max_def > 1)
    return FAIL1(CAPSULE_ECORRUPT, "max definition level % at offset 10 is not 0 or 1", s->max_def);
  if (h[3] != 0) return FAIL1(CAPSULE_ECORRUPT, "reserved byte at offset 11 must be 0, found %", h[3]);
  if (!layout_matches(c->layout, c->width, s->ptype))
    return FAILS(CAPSULE_ECORRUPT, "layout code % does not go with Parquet physical type % ($)",
                 TYPE_NAMES[s->ptype], c->layout, s->ptype, 0, 0);
  if (s->ptype == PT_FLBA ? type_length != c->width : type_length != 0)
    return FAIL3(CAPSULE_ECORRUPT, "type_length at offset 12 is %; it must be % for physical type %", type_length,
                 s->ptype == PT_FLBA ? c->width : 0, s->ptype);
  static const u8 IN_WIDTH[8] = {0, 4, 8, 12, 4, 8, 0, 0};
  s->in_width = s->ptype == PT_FLBA ? type_length : IN_WIDTH[s->ptype];
  s->cached = 0;

  u32 npages = 0;
  dict_page dp;
  s->has_dict = 0;
  int rc = walk_pages(s, cur->pos, 0, &npages, &dp);
  if (rc) return rc;
  s->pages = (page_entry *)persist_alloc((u64)npages * sizeof(page_entry) + 8);
  if (!s->pages) return FAIL1(CAPSULE_ENOMEM, "out of memory: cannot allocate the table of % pages", npages);
  rc = walk_pages(s, cur->pos, s->pages, &npages, &dp);
  if (rc) return rc;
  s->npages = npages;
  if (dp.present) return open_dictionary(s, &dp);
  return CAPSULE_OK;
}

/* =============================================================================================
 * Page decoding into the cache
 * =========================================================================================== */

/* The values section of page e: decompressed if needed; levels for optional columns. */
typedef struct {
  const u8 *levels;
  u64 levels_len;
  const u8 *values;
  u64 values_len;
} page_parts;

static NOINLINE int page_sections(pq_state *s, const page_entry *e, page_parts *pp) {
  const u8 *body = s->c.chunk + e->body_pos;
  if (e->v2) {
    pp->levels = body;
    pp->levels_len = e->levels_len;
    u32 ulen = e->uncomp_size - e->levels_len;
    pp->values_len = ulen;
    return page_body(s, e->body_pos + e->levels_len, e->comp_size - e->levels_len, ulen,
                     e->compressed, e->header_pos, &s->decomp, &pp->values);
  }
  const u8 *page;
  int rc = page_body(s, e->body_pos, e->comp_size, e->uncomp_size, e->compressed, e->header_pos,
                     &s->decomp, &page);
  if (rc) return rc;
  u64 len = e->uncomp_size;
  pp->levels = 0;
  pp->levels_len = 0;
  if (s->max_def) {
    if (len < 4 || load_u32(page) > len - 4)
      return FAIL2(CAPSULE_ECORRUPT, "data page at offset %: definition levels do not fit in the % byte page",
                   e->header_pos, len);
    pp->levels_len = load_u32(page);
    pp->levels = page + 4;
    page += 4 + pp->levels_len;
    len -= 4 + pp->levels_len;
  }
  pp->values = page;
  pp->values_len = len;
  return CAPSULE_OK;
}

static NOINLINE int short_values(const page_ctx *p, u32 k, u64 need, u64 have) {
  return FAIL4(CAPSULE_ECORRUPT, "PLAIN values of the page at offset %: % values need % bytes, the page has %",
               p->page_pos, k, need, have);
}

/* FIXEDw values of a page; valid = 0 when the page has no null, k non-null values. */
static NOINLINE int page_fixed(pq_state *s, const page_entry *e, const page_parts *pp, const u8 *valid,
                      u32 k, const page_ctx *p) {
  u32 rows = e->rows, w = s->c.width;
  const u8 *dense;
  if (e->encoding == ENC_PLAIN) {
    u64 need = (u64)k * s->in_width;
    if (need > pp->values_len) return short_values(p, k, need, pp->values_len);
    if (s->in_width == w) {
      dense = pp->values; /* in place */
    } else {
      if (scratch_reserve(&s->dense, (u64)k * w)) return CAPSULE_ENOMEM;
      narrow_int32(s->dense.ptr, pp->values, k, w);
      dense = s->dense.ptr;
    }
    if (!valid) {
      s->c_values = dense;
      return CAPSULE_OK;
    }
  } else {
    scratch *dst = valid ? &s->dense : &s->values;
    if (scratch_reserve(dst, (u64)k * w)) return CAPSULE_ENOMEM;
    if (w == 1 || w == 2 || w == 4 || w == 8) {
      int rc = decode_dict_fixed(dst->ptr, pp->values, pp->values_len, k, s, p);
      if (rc) return rc;
    } else {
      if (scratch_reserve(&s->idx, 4 * ((u64)k + 8))) return CAPSULE_ENOMEM;
      u32 *idx = (u32 *)s->idx.ptr;
      int rc = decode_indices(pp->values, pp->values_len, k, s->dict_size, idx, p);
      if (rc) return rc;
      gather_values(dst->ptr, idx, s->dict, k, w);
    }
    if (!valid) {
      s->c_values = dst->ptr;
      return CAPSULE_OK;
    }
    dense = dst->ptr;
  }
  if (scratch_reserve(&s->values, (u64)rows * w)) return CAPSULE_ENOMEM;
  scatter_values(s->values.ptr, dense, valid, rows, k, w);
  s->c_values = s->values.ptr;
  return CAPSULE_OK;
}

static NOINLINE int page_bits(pq_state *s, const page_entry *e, const page_parts *pp, const u8 *valid,
                     u32 k, const page_ctx *p) {
  if (ceil8(k) > pp->values_len) return short_values(p, k, ceil8(k), pp->values_len);
  if (!valid) {
    s->c_values = pp->values; /* in place: bits [0, rows) */
    return CAPSULE_OK;
  }
  if (scratch_reserve(&s->values, ceil8(e->rows))) return CAPSULE_ENOMEM;
  scatter_bits(s->values.ptr, pp->values, valid, e->rows);
  s->c_values = s->values.ptr;
  return CAPSULE_OK;
}

static NOINLINE int page_variable(pq_state *s, const page_entry *e, const page_parts *pp, const u8 *valid,
                         u32 k, const page_ctx *p) {
  u32 rows = e->rows;
  if (scratch_reserve(&s->values, 4 * ((u64)rows + 1))) return CAPSULE_ENOMEM;
  u8 *offs = s->values.ptr;
  s->c_values = offs;
  if (e->encoding == ENC_PLAIN) {
    if (scratch_reserve(&s->data, pp->values_len)) return CAPSULE_ENOMEM;
    s->c_data = s->data.ptr;
    return valid ? plain_bytes_nulls(offs, s->data.ptr, pp->values, pp->values_len, valid, rows, p)
                 : plain_bytes_all(offs, s->data.ptr, pp->values, pp->values_len, valid, rows, p);
  }
  u64 reserve = (u64)k * s->dict_max_len;
  if (!valid && reserve <= FUSED_DATA_LIMIT) {
    if (scratch_reserve(&s->data, reserve)) return CAPSULE_ENOMEM;
    s->c_data = s->data.ptr;
    return decode_dict_variable(offs, s->data.ptr, pp->values, pp->values_len, k, s, p);
  }
  if (scratch_reserve(&s->idx, 4 * ((u64)k + 8))) return CAPSULE_ENOMEM;
  u32 *idx = (u32 *)s->idx.ptr;
  int rc = decode_indices(pp->values, pp->values_len, k, s->dict_size, idx, p);
  if (rc) return rc;
  if (reserve > FUSED_DATA_LIMIT) reserve = dict_bytes_total(s, idx, k);
  if (reserve > INT32_MAX)
    return FAIL2(CAPSULE_ENOMEM, "the page at offset % decodes to % bytes of values, more than Arrow offsets allow",
                 e->header_pos, reserve);
  if (scratch_reserve(&s->data, reserve)) return CAPSULE_ENOMEM;
  s->c_data = s->data.ptr;
  if (valid) {
    dict_bytes_nulls(offs, s->data.ptr, s, idx, valid, rows);
  } else {
    dict_bytes_all(offs, s->data.ptr, s, idx, valid, rows);
  }
  return CAPSULE_OK;
}

/* Decodes page pi into the cache unless it is there already. */
static NOINLINE int load_page(pq_state *s, u32 pi) {
  if (s->cached == pi + 1) return CAPSULE_OK;
  s->cached = 0;
  const page_entry *e = &s->pages[pi];
  page_ctx p = {e->header_pos, e->first_row};
  page_parts pp;
  int rc = page_sections(s, e, &pp);
  if (rc) return rc;
  u32 rows = e->rows, k = rows;
  s->c_valid = 0;
  if (s->max_def) {
    if (scratch_reserve(&s->levels, ceil8(rows) + 8)) return CAPSULE_ENOMEM;
    rc = decode_levels(pp.levels, pp.levels_len, rows, s->levels.ptr, &k, &p);
    if (rc) return rc;
    if (k != rows) s->c_valid = s->levels.ptr;
  }
  if (s->c.layout == LAYOUT_BIT) {
    rc = page_bits(s, e, &pp, s->c_valid, k, &p);
  } else if (s->c.layout == LAYOUT_VARIABLE) {
    rc = page_variable(s, e, &pp, s->c_valid, k, &p);
  } else {
    rc = page_fixed(s, e, &pp, s->c_valid, k, &p);
  }
  if (rc) return rc;
  s->c_rows = rows;
  s->cached = pi + 1;
  return CAPSULE_OK;
}

/* =============================================================================================
 * capsule_decode
 * =========================================================================================== */

/* The first page holding `row` (< n): the first page with first_row + rows > row. */
static u32 find_page(const pq_state *s, u32 row) {
  u32 lo = 0, hi = s->npages;
  while (lo < hi) {
    u32 mid = lo + ((hi - lo) >> 1);
    if ((u64)s->pages[mid].first_row + s->pages[mid].rows > row) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

/* The output data buffer of a VARIABLE decode: the last arena block, grown in place or moved. */
typedef struct {
  u8 *base;
  u64 len;
  u64 cap;
} out_data;

static int out_data_append(out_data *o, const u8 *src, u64 n) {
  if (o->len + n > INT32_MAX)
    return FAIL1(CAPSULE_EINVAL, "the rows requested hold more than % bytes, more than Arrow offsets allow; request fewer",
                 (u64)INT32_MAX);
  if (o->len + n > o->cap) {
    u64 want = o->cap * 2 > o->len + n ? o->cap * 2 : o->len + n;
    u64 end = (u64)(uintptr_t)o->base + o->cap;
    if (end == g_arena_top && ensure_memory((u64)(uintptr_t)o->base + want)) {
      g_arena_top = (u64)(uintptr_t)o->base + want;
    } else {
      u8 *nb = arena_alloc(want);
      if (!nb) return CAPSULE_ENOMEM;
      __builtin_memcpy(nb, o->base, o->len);
      o->base = nb;
    }
    o->cap = want;
  }
  __builtin_memcpy(o->base + o->len, src, n);
  o->len += n;
  return CAPSULE_OK;
}

/*
 * out offsets [o + 1, o + len] from cache offsets [a + 1, a + len], rebased to add. Two offsets
 * per 8-byte load and store: the cache offsets never decrease and the results stay below 2^31,
 * so subtracting base and adding `add` lane by lane never borrows or carries across lanes.
 */
static NOINLINE void rebase_offsets(u8 *out, const u8 *in, u32 len, u32 add) {
  u32 base = load_u32(in);
  const u64 base2 = (u64)base << 32 | base, add2 = (u64)add << 32 | add;
  u32 i = 1;
#pragma clang loop unroll_count(4)
  for (; i < len; i += 2) store_u64(out + 4 * (u64)i, load_u64(in + 4 * (u64)i) - base2 + add2);
  for (; i <= len; i++) store_u32(out + 4 * (u64)i, load_u32(in + 4 * (u64)i) - base + add);
}

typedef struct {
  u8 *valid;  /* ceil8(count) bytes, zeroed; 0 if max_def = 0 */
  u8 *values; /* BIT: bitmap (zeroed); FIXEDw: values; VARIABLE: offsets */
  out_data data;
  u64 ones;
} out_bufs;

/* Rows [a, a + len) of the cached page to output rows [o, o + len). */
static NOINLINE int copy_out(pq_state *s, out_bufs *ob, u32 a, u32 o, u32 len) {
  u32 rows = s->c_rows;
  if (ob->valid) {
    if (s->c_valid) {
      ob->ones += put_bits(ob->valid, o, s->c_valid, ceil8(rows), a, len);
    } else {
      set_bit_range(ob->valid, o, o + len);
      ob->ones += len;
    }
  }
  switch (s->c.layout) {
    case LAYOUT_BIT:
      put_bits(ob->values, o, s->c_values, ceil8(rows), a, len);
      return CAPSULE_OK;
    case LAYOUT_VARIABLE: {
      const u8 *co = s->c_values + 4 * (u64)a;
      u32 from = load_u32(co), to = load_u32(co + 4 * (u64)len);
      u32 add = (u32)ob->data.len;
      int rc = out_data_append(&ob->data, s->c_data + from, to - from);
      if (rc) return rc;
      rebase_offsets(ob->values + 4 * (u64)o, co, len, add);
      return CAPSULE_OK;
    }
    default: {
      u32 w = s->c.width;
      __builtin_memcpy(ob->values + (u64)o * w, s->c_values + (u64)a * w, (u64)len * w);
      return CAPSULE_OK;
    }
  }
}

static int pq_decode(capsule_chunk *c, u32 first, u32 count, capsule_buffers *out) {
  pq_state *s = (pq_state *)c;
  out_bufs ob = {0, 0, {0, 0, 0}, 0};
  if (s->max_def) {
    ob.valid = arena_alloc(ceil8(count) + 8);
    if (!ob.valid) return CAPSULE_ENOMEM;
    fill_bytes(ob.valid, 0, ceil8(count) + 8);
  }
  if (c->layout == LAYOUT_BIT) {
    ob.values = arena_alloc(ceil8(count) + 8);
    if (!ob.values) return CAPSULE_ENOMEM;
    fill_bytes(ob.values, 0, ceil8(count) + 8);
  } else if (c->layout == LAYOUT_VARIABLE) {
    ob.values = arena_alloc(4 * ((u64)count + 1));
    if (!ob.values) return CAPSULE_ENOMEM;
    store_u32(ob.values, 0);
    u64 cap = (u64)count * 8 < (1u << 20) ? (u64)count * 8 : (1u << 20);
    ob.data.base = arena_alloc(cap);
    if (!ob.data.base) return CAPSULE_ENOMEM;
    ob.data.cap = cap;
  } else {
    ob.values = arena_alloc((u64)count * c->width);
    if (!ob.values) return CAPSULE_ENOMEM;
  }
  u32 row = first, end = first + count;
  for (u32 pi = count ? find_page(s, first) : s->npages; row < end; pi++) {
    const page_entry *e = &s->pages[pi];
    if (e->rows == 0) continue;
    int rc = load_page(s, pi);
    if (rc) return rc;
    u32 a = row - e->first_row;
    u32 stop = e->first_row + e->rows < end ? e->first_row + e->rows : end;
    rc = copy_out(s, &ob, a, row - first, stop - row);
    if (rc) return rc;
    row = stop;
  }
  out->values = (u32)(uintptr_t)ob.values;
  out->data = (u32)(uintptr_t)ob.data.base;
  if (ob.valid && ob.ones != count) {
    out->validity = (u32)(uintptr_t)ob.valid;
    out->null_count = count - (u32)ob.ones;
  }
  return CAPSULE_OK;
}

EXPORT("capsule_open") u32 capsule_open(u32 chunk_ptr, u32 chunk_len) {
  return capsule_open_common(chunk_ptr, chunk_len, sizeof(pq_state),
                             ACCEPT_BIT | ACCEPT_FIXED1 | ACCEPT_FIXED2 | ACCEPT_FIXED4 |
                                 ACCEPT_FIXED8 | ACCEPT_FIXED16 | ACCEPT_FIXED_OTHER |
                                 ACCEPT_VARIABLE,
                             "BIT, FIXEDw (1 <= w <= 254), VARIABLE", pq_open);
}

EXPORT("capsule_decode") u32 capsule_decode(u32 handle, u32 first_row, u32 row_count, u32 out_ptr) {
  return capsule_decode_common(handle, first_row, row_count, out_ptr, sizeof(pq_state), pq_decode);
}
