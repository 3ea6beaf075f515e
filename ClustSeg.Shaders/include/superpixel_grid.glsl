// Geometry of the superpixel grid (SSN): a pixel's home cell and the 3x3 cells around it. Slot j in 0..8 of a
// pixel names the cell (home_row + j/3 - 1, home_col + j%3 - 1); slots outside the grid are invalid.
#ifndef CLUSTSEG_SUPERPIXEL_GRID_GLSL
#define CLUSTSEG_SUPERPIXEL_GRID_GLSL

// floor(a / b) for 0 <= a < 2^24, b > 0, without an integer division: CPU drivers (lavapipe) cannot vectorise
// integer division, and this runs once per pixel. The float quotient is off by at most one; the check fixes it.
int div_floor(int a, int b) {
    int q = int(float(a) / float(b));
    if (q * b > a) q--;
    else if ((q + 1) * b <= a) q++;
    return q;
}

// Home cell row of image row y for an H-row image split into gh cell rows.
int home_cell(int y, int H, int gh) { return div_floor(y * gh, H); }

// First image row whose home cell is `cell` (inverse of home_cell): ceil(cell * H / gh).
int first_row_of_cell(int cell, int H, int gh) { return (cell * H + gh - 1) / gh; }

// Cell index of slot j around home (hr, hc), or -1 outside the grid.
int slot_cell(int j, int hr, int hc, int gh, int gw) {
    int r = hr + j / 3 - 1;
    int c = hc + j % 3 - 1;
    return (r < 0 || r >= gh || c < 0 || c >= gw) ? -1 : r * gw + c;
}

// Slot under which a pixel with home (hr, hc) sees cell (r, c); caller guarantees |r-hr|,|c-hc| <= 1.
int cell_slot(int r, int c, int hr, int hc) { return (r - hr + 1) * 3 + (c - hc + 1); }

#endif
