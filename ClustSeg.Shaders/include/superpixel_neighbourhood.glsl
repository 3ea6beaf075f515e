// The superpixel grid shared by the SSN kernels (clustseg.md "Superpixel model"): gh x gw cells in row-major order;
// pixel (y, x) of an H x W map lies in cell (floor(y gh / H), floor(x gw / W)) and sees the 3 x 3 cells around it,
// numbered j = 3 (dy + 1) + (dx + 1); neighbours beyond the border do not exist (their assignment is 0).
#ifndef CLUSTSEG_SUPERPIXEL_NEIGHBOURHOOD_GLSL
#define CLUSTSEG_SUPERPIXEL_NEIGHBOURHOOD_GLSL

#define NEIGHBOURS 9u

// Cell index (row-major) of neighbour j of the pixel's cell, or -1 where it falls outside the grid.
int neighbourCell(uint y, uint x, uint j, uint height, uint width, uint gridH, uint gridW) {
    int cy = int(y * gridH / height) + int(j / 3u) - 1;
    int cx = int(x * gridW / width) + int(j % 3u) - 1;
    if (cy < 0 || cx < 0 || cy >= int(gridH) || cx >= int(gridW)) return -1;
    return cy * int(gridW) + cx;
}

// First pixel row (or column) whose cell is at least `cell`: ceil(cell * size / grid).
uint firstPixelOfCell(uint cell, uint size, uint grid) {
    return (cell * size + grid - 1u) / grid;
}

// Which neighbour slot j cell (gy, gx) occupies for a pixel in cell (cy, cx); the cells must be adjacent.
uint slotOf(uint gy, uint gx, uint cy, uint cx) {
    return uint(int(gy) - int(cy) + 1) * 3u + uint(int(gx) - int(cx) + 1);
}

#endif
