// Layout of per-pixel work on stacks of planes (N * C planes of H x W): a 16 x 16 workgroup covers a tile of one
// plane's pixels (x along a row, so reads coalesce), and z counts planes. Indices come straight from
// gl_GlobalInvocationID instead of being divided out of a flat index, which is slow on CPUs and costs tens of
// instructions on GPUs. Shaders loop `for (plane = gl_WorkGroupID.z; plane < planes; plane += gl_NumWorkGroups.z)`,
// so stacks beyond the dispatch limit of 65535 along z still work (PlaneGrid.For on the host).
#ifndef CLUSTSEG_PLANE_GRID_GLSL
#define CLUSTSEG_PLANE_GRID_GLSL

#define PLANE_TILE 16
layout(local_size_x = PLANE_TILE, local_size_y = PLANE_TILE) in;

#endif
