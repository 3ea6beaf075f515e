// Workgroup-wide sum of a vec4 in shared memory, for the two-pass reductions (partial sums per workgroup, then one
// workgroup over the partials; no atomics, so results are deterministic). Include after declaring
// layout(local_size_x = REDUCE_GROUP); call from uniform control flow: every invocation of the group must reach it.
#ifndef CLUSTSEG_WORKGROUP_SUM_GLSL
#define CLUSTSEG_WORKGROUP_SUM_GLSL

#define REDUCE_GROUP 256

shared vec4 reduceScratch[REDUCE_GROUP];

vec4 workgroupSum(vec4 value) {
    uint t = gl_LocalInvocationIndex;
    reduceScratch[t] = value;
    barrier();
    for (uint stride = REDUCE_GROUP / 2; stride > 0; stride >>= 1) {
        if (t < stride) reduceScratch[t] += reduceScratch[t + stride];
        barrier();
    }
    vec4 total = reduceScratch[0];
    barrier(); // the scratch may be reused right after
    return total;
}

// Index of this workgroup when the host laid the groups out with Groups.For1D (spilling past 65535 into y).
uint linear_group() {
    return gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
}

#endif
