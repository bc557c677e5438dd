#ifndef VSR_CFFMPEG_SHIM_H
#define VSR_CFFMPEG_SHIM_H
// What Swift cannot import from FFmpeg's headers directly: function-like macros, macros built from
// compound literals, and fixed-size arrays that arrive in Swift as tuples.
#include <errno.h>
#include <string.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/mathematics.h>
#include <libswscale/swscale.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersrc.h>
#include <libavfilter/buffersink.h>
#include <libavutil/display.h>
#include <libavutil/mastering_display_metadata.h>
#include <libavutil/sha.h>

static inline int vsr_averror(int posix_errno) { return AVERROR(posix_errno); }
static inline int vsr_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int vsr_averror_eof(void) { return AVERROR_EOF; }
static inline int vsr_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int64_t vsr_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline AVRational vsr_time_base_q(void) { return AV_TIME_BASE_Q; }

/// av_err2str without the compound literal: writes the message for `err` into `buf`.
static inline const char *vsr_err2str(int err, char *buf, size_t size) {
    if (av_strerror(err, buf, size) < 0) snprintf(buf, size, "error %d", err);
    return buf;
}

static inline uint8_t *vsr_frame_data(const AVFrame *frame, int plane) { return frame->data[plane]; }
static inline int vsr_frame_linesize(const AVFrame *frame, int plane) { return frame->linesize[plane]; }

/// Copies chapters (with their metadata) from one context to another: each chapter keeps its own
/// time base. `offset` and `end` (AV_TIME_BASE units; end < 0 for none) cut them to a part of the
/// input, shifted to start at zero. Returns 0 or a negative AVERROR.
static inline int vsr_copy_chapters(AVFormatContext *dst, const AVFormatContext *src, int64_t offset, int64_t end) {
    if (src->nb_chapters == 0) return 0;
    dst->chapters = av_calloc(src->nb_chapters, sizeof(*dst->chapters));
    if (!dst->chapters) return AVERROR(ENOMEM);
    for (unsigned i = 0; i < src->nb_chapters; i++) {
        const AVChapter *in = src->chapters[i];
        int64_t shift = av_rescale_q(offset, AV_TIME_BASE_Q, in->time_base);
        int64_t stop = end < 0 ? INT64_MAX : av_rescale_q(end, AV_TIME_BASE_Q, in->time_base);
        if (in->end <= shift || in->start >= stop) continue;
        AVChapter *out = av_mallocz(sizeof(*out));
        if (!out) return AVERROR(ENOMEM);
        out->id = in->id;
        out->time_base = in->time_base;
        out->start = (in->start > shift ? in->start : shift) - shift;
        out->end = (in->end < stop ? in->end : stop) - shift;
        int ret = av_dict_copy(&out->metadata, in->metadata, 0);
        dst->chapters[dst->nb_chapters++] = out;
        if (ret < 0) return ret;
    }
    return 0;
}

#endif
