// Walks (channel, pixel) along a workgroup-strided loop over a run of channels with `hw` pixels each, so that the
// loop body needs no integer division per element (it is slow on CPUs and costs tens of instructions on GPUs).
#ifndef CLUSTSEG_CHANNEL_WALK_GLSL
#define CLUSTSEG_CHANNEL_WALK_GLSL

// Position of element i = t, t + G, t + 2G, ... where G is the workgroup size and t this invocation's lane.
struct ChannelWalk {
    uint channel;
    uint pixel;
    uint channel_step; // G / hw
    uint pixel_step;   // G % hw
};

ChannelWalk channel_walk_start(uint first_channel, uint hw) {
    uint lane = gl_LocalInvocationID.x;
    return ChannelWalk(first_channel + lane / hw, lane % hw, gl_WorkGroupSize.x / hw, gl_WorkGroupSize.x % hw);
}

void channel_walk_next(inout ChannelWalk walk, uint hw) {
    walk.channel += walk.channel_step;
    walk.pixel += walk.pixel_step;
    if (walk.pixel >= hw) {
        walk.pixel -= hw;
        walk.channel++;
    }
}

// The same walk over quads of elements: element 4t, 4t + 4G, ... of a run of channels whose planes are not a whole
// number of vec4s, so a quad may end in the next channel (hw >= 4: never further than that).
ChannelWalk quad_walk_start(uint first_channel, uint hw) {
    uint element = 4 * gl_LocalInvocationID.x;
    return ChannelWalk(first_channel + element / hw, element % hw, 4 * gl_WorkGroupSize.x / hw, 4 * gl_WorkGroupSize.x % hw);
}

// Which elements of the quad at the walk's position lie in the channel after walk.channel.
bvec4 quad_in_next_channel(ChannelWalk walk, uint hw) {
    return greaterThanEqual(uvec4(walk.pixel) + uvec4(0u, 1u, 2u, 3u), uvec4(hw));
}

#endif
