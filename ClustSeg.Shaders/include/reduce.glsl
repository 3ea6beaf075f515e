// Workgroup-wide reductions through shared memory, for 1-D workgroups whose size (declared with
// layout(local_size_x_id = 0) before this include) is a power of two. Every invocation of the workgroup must
// reach each call, since they contain barriers.
#ifndef CLUSTSEG_REDUCE_GLSL
#define CLUSTSEG_REDUCE_GLSL

shared vec2 reduce_scratch[gl_WorkGroupSize.x];

// Flat index of this workgroup when the host laid out one workgroup per item with Groups.For1D(count, 1),
// which spills into y past 65535 workgroups. The whole workgroup shares it, so an early return stays uniform.
uint workgroup_index() {
    return gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
}

// Two sums in one tree, halving the barriers when a kernel needs a pair (e.g. sum and sum of squares).
vec2 workgroup_sum2(vec2 value) {
    uint t = gl_LocalInvocationID.x;
    barrier(); // the previous reduction's result may still be being read
    reduce_scratch[t] = value;
    barrier();
    for (uint stride = gl_WorkGroupSize.x / 2; stride > 0; stride >>= 1) {
        if (t < stride) reduce_scratch[t] += reduce_scratch[t + stride];
        barrier();
    }
    return reduce_scratch[0];
}

float workgroup_sum(float value) {
    return workgroup_sum2(vec2(value, 0.0)).x;
}

float workgroup_max(float value) {
    uint t = gl_LocalInvocationID.x;
    barrier();
    reduce_scratch[t] = vec2(value, 0.0);
    barrier();
    for (uint stride = gl_WorkGroupSize.x / 2; stride > 0; stride >>= 1) {
        if (t < stride) reduce_scratch[t].x = max(reduce_scratch[t].x, reduce_scratch[t + stride].x);
        barrier();
    }
    return reduce_scratch[0].x;
}

#endif
