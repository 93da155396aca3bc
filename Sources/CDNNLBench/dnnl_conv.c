#include <stdlib.h>
#include <string.h>
#include <dnnl.h>
#include "CDNNLBench.h"

struct v2x_dnnl_conv {
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    dnnl_primitive_t primitive;
    dnnl_memory_t src, weights, bias, dst;
};

#define TRY(call) do { dnnl_status_t s_ = (call); if (s_ != dnnl_success) { status = s_; goto fail; } } while (0)

static int32_t copy_into(dnnl_memory_t memory, const void *data, size_t bytes) {
    void *handle = NULL;
    dnnl_status_t s = dnnl_memory_get_data_handle(memory, &handle);
    if (s != dnnl_success) return s;
    memcpy(handle, data, bytes);
    return dnnl_success;
}

int32_t v2x_dnnl_conv_create(const v2x_dnnl_conv_shape *shape, const uint8_t *input,
                             const int8_t *weights_ohwi, const int32_t *bias, const float *scales,
                             int32_t relu, v2x_dnnl_conv **out, char *impl_name, int32_t impl_name_capacity) {
    int32_t status = dnnl_success;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t post_ops = NULL;
    dnnl_primitive_desc_t pd = NULL, reorder_pd = NULL;
    dnnl_primitive_t reorder = NULL;
    dnnl_memory_t user_weights = NULL;
    v2x_dnnl_conv *c = calloc(1, sizeof *c);
    if (!c) return dnnl_out_of_memory;

    const int64_t oh = (shape->height + 2 * shape->padding - shape->kernel) / shape->stride + 1;
    const int64_t ow = (shape->width + 2 * shape->padding - shape->kernel) / shape->stride + 1;
    dnnl_dims_t src_dims = {1, shape->in_channels, shape->height, shape->width};
    dnnl_dims_t w_dims = {shape->out_channels, shape->in_channels, shape->kernel, shape->kernel};
    dnnl_dims_t b_dims = {shape->out_channels};
    dnnl_dims_t dst_dims = {1, shape->out_channels, oh, ow};
    dnnl_dims_t strides = {shape->stride, shape->stride};
    dnnl_dims_t padding = {shape->padding, shape->padding};

    dnnl_memory_desc_t src_md, w_any_md, w_user_md, b_md, dst_md;
    TRY(dnnl_memory_desc_init_by_tag(&src_md, 4, src_dims, dnnl_u8, dnnl_nhwc));
    TRY(dnnl_memory_desc_init_by_tag(&w_any_md, 4, w_dims, dnnl_s8, dnnl_format_tag_any));
    TRY(dnnl_memory_desc_init_by_tag(&w_user_md, 4, w_dims, dnnl_s8, dnnl_ohwi));
    TRY(dnnl_memory_desc_init_by_tag(&b_md, 1, b_dims, dnnl_s32, dnnl_x));
    TRY(dnnl_memory_desc_init_by_tag(&dst_md, 4, dst_dims, dnnl_u8, dnnl_nhwc));

    dnnl_convolution_desc_t desc;
    TRY(dnnl_convolution_forward_desc_init(&desc, dnnl_forward_inference, dnnl_convolution_direct,
                                           &src_md, &w_any_md, &b_md, &dst_md, strides, padding, padding));
    TRY(dnnl_primitive_attr_create(&attr));
    TRY(dnnl_primitive_attr_set_output_scales(attr, shape->out_channels, 1 << 1, scales));
    if (relu) {
        TRY(dnnl_post_ops_create(&post_ops));
        TRY(dnnl_post_ops_append_eltwise(post_ops, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f));
        TRY(dnnl_primitive_attr_set_post_ops(attr, post_ops));
    }
    TRY(dnnl_engine_create(&c->engine, dnnl_cpu, 0));
    TRY(dnnl_stream_create(&c->stream, c->engine, dnnl_stream_default_flags));
    TRY(dnnl_primitive_desc_create(&pd, &desc, attr, c->engine, NULL));
    if (impl_name && impl_name_capacity > 0) {
        const char *name = NULL;
        TRY(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name));
        strncpy(impl_name, name ? name : "?", (size_t)impl_name_capacity - 1);
        impl_name[impl_name_capacity - 1] = 0;
    }
    const dnnl_memory_desc_t *w_md = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    TRY(dnnl_primitive_create(&c->primitive, pd));
    TRY(dnnl_memory_create(&c->src, &src_md, c->engine, DNNL_MEMORY_ALLOCATE));
    TRY(dnnl_memory_create(&c->weights, w_md, c->engine, DNNL_MEMORY_ALLOCATE));
    TRY(dnnl_memory_create(&c->bias, &b_md, c->engine, DNNL_MEMORY_ALLOCATE));
    TRY(dnnl_memory_create(&c->dst, &dst_md, c->engine, DNNL_MEMORY_ALLOCATE));
    TRY(dnnl_memory_create(&user_weights, &w_user_md, c->engine, DNNL_MEMORY_ALLOCATE));
    TRY(copy_into(c->src, input, (size_t)shape->height * shape->width * shape->in_channels));
    TRY(copy_into(user_weights, weights_ohwi, (size_t)shape->out_channels * shape->kernel * shape->kernel * shape->in_channels));
    TRY(copy_into(c->bias, bias, sizeof(int32_t) * (size_t)shape->out_channels));

    TRY(dnnl_reorder_primitive_desc_create(&reorder_pd, &w_user_md, c->engine, w_md, c->engine, NULL));
    TRY(dnnl_primitive_create(&reorder, reorder_pd));
    dnnl_exec_arg_t reorder_args[2] = {{DNNL_ARG_FROM, user_weights}, {DNNL_ARG_TO, c->weights}};
    TRY(dnnl_primitive_execute(reorder, c->stream, 2, reorder_args));
    TRY(dnnl_stream_wait(c->stream));

    dnnl_primitive_destroy(reorder);
    dnnl_primitive_desc_destroy(reorder_pd);
    dnnl_memory_destroy(user_weights);
    dnnl_primitive_desc_destroy(pd);
    if (post_ops) dnnl_post_ops_destroy(post_ops);
    dnnl_primitive_attr_destroy(attr);
    *out = c;
    return dnnl_success;
fail:
    if (reorder) dnnl_primitive_destroy(reorder);
    if (reorder_pd) dnnl_primitive_desc_destroy(reorder_pd);
    if (user_weights) dnnl_memory_destroy(user_weights);
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (post_ops) dnnl_post_ops_destroy(post_ops);
    if (attr) dnnl_primitive_attr_destroy(attr);
    v2x_dnnl_conv_destroy(c);
    return status;
}

int32_t v2x_dnnl_conv_run(v2x_dnnl_conv *c) {
    dnnl_exec_arg_t args[4] = {
        {DNNL_ARG_SRC, c->src}, {DNNL_ARG_WEIGHTS, c->weights}, {DNNL_ARG_BIAS, c->bias}, {DNNL_ARG_DST, c->dst},
    };
    dnnl_status_t s = dnnl_primitive_execute(c->primitive, c->stream, 4, args);
    if (s != dnnl_success) return s;
    return dnnl_stream_wait(c->stream);
}

int32_t v2x_dnnl_conv_output(v2x_dnnl_conv *c, uint8_t *output, int64_t count) {
    void *handle = NULL;
    dnnl_status_t s = dnnl_memory_get_data_handle(c->dst, &handle);
    if (s != dnnl_success) return s;
    memcpy(output, handle, (size_t)count);
    return dnnl_success;
}

void v2x_dnnl_conv_destroy(v2x_dnnl_conv *c) {
    if (!c) return;
    if (c->primitive) dnnl_primitive_destroy(c->primitive);
    if (c->src) dnnl_memory_destroy(c->src);
    if (c->weights) dnnl_memory_destroy(c->weights);
    if (c->bias) dnnl_memory_destroy(c->bias);
    if (c->dst) dnnl_memory_destroy(c->dst);
    if (c->stream) dnnl_stream_destroy(c->stream);
    if (c->engine) dnnl_engine_destroy(c->engine);
    free(c);
}
