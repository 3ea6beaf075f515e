namespace ClustSeg.Tests.Nn.Layers;

/// <summary>Straightforward double-precision definitions of the primitives (PyTorch semantics), for the layer tests.</summary>
internal static class LayerReferences
{
    public static double[] Conv2d(double[] x, int n, int c, int h, int w, double[] weight, double[]? bias, int o, int k,
        int stride, int pad, int dilation, int groups, out int oh, out int ow)
    {
        oh = (h + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
        ow = (w + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
        int cg = c / groups, og = o / groups;
        var y = new double[n * o * oh * ow];
        for (var b = 0; b < n; b++)
        for (var oc = 0; oc < o; oc++)
        for (var i = 0; i < oh; i++)
        for (var j = 0; j < ow; j++)
        {
            var sum = bias?[oc] ?? 0;
            var g = oc / og;
            for (var ic = 0; ic < cg; ic++)
            for (var u = 0; u < k; u++)
            for (var v = 0; v < k; v++)
            {
                int iy = i * stride - pad + u * dilation, ix = j * stride - pad + v * dilation;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                sum += x[((b * c + g * cg + ic) * h + iy) * w + ix] * weight[((oc * cg + ic) * k + u) * k + v];
            }
            y[((b * o + oc) * oh + i) * ow + j] = sum;
        }
        return y;
    }

    public static double[] Linear(double[] x, double[] weight, double[]? bias, int inFeatures, int outFeatures)
    {
        var rows = x.Length / inFeatures;
        var y = new double[rows * outFeatures];
        for (var r = 0; r < rows; r++)
        for (var o = 0; o < outFeatures; o++)
        {
            var sum = bias?[o] ?? 0;
            for (var i = 0; i < inFeatures; i++) sum += x[r * inFeatures + i] * weight[o * inFeatures + i];
            y[r * outFeatures + o] = sum;
        }
        return y;
    }

    /// <summary>Normalises each of <paramref name="count"/> contiguous runs of <paramref name="size"/> values; the affine index of element i of run s is <paramref name="channel"/>(s, i).</summary>
    public static double[] Normalize(double[] x, int count, int size, double eps, double[] weight, double[] bias, Func<int, int, int> channel)
    {
        var y = new double[x.Length];
        for (var s = 0; s < count; s++)
        {
            double mean = 0, variance = 0;
            for (var i = 0; i < size; i++) mean += x[s * size + i];
            mean /= size;
            for (var i = 0; i < size; i++) variance += (x[s * size + i] - mean) * (x[s * size + i] - mean);
            var rstd = 1 / Math.Sqrt(variance / size + eps);
            for (var i = 0; i < size; i++)
            {
                var ch = channel(s, i);
                y[s * size + i] = (x[s * size + i] - mean) * rstd * weight[ch] + bias[ch];
            }
        }
        return y;
    }

    /// <summary>The error function by its Taylor series: smooth and accurate to double precision for |x| &lt; 3, so finite differences of GELU are exact enough.</summary>
    public static double Erf(double x)
    {
        double term = x, sum = x;
        for (var n = 1; n < 80; n++)
        {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    public static double Gelu(double x) => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)));

    /// <summary>Views a shape as [outer, axis, inner] around <paramref name="axis"/> (negative counts from the end).</summary>
    public static (int Outer, int Axis, int Inner) Around(int[] shape, int axis)
    {
        var a = axis < 0 ? axis + shape.Length : axis;
        return (shape.Take(a).Aggregate(1, (p, d) => p * d), shape[a], shape.Skip(a + 1).Aggregate(1, (p, d) => p * d));
    }

    public static double[] Softmax(double[] x, int[] shape, int axis)
    {
        var (outer, size, inner) = Around(shape, axis);
        var y = new double[x.Length];
        for (var o = 0; o < outer; o++)
        for (var i = 0; i < inner; i++)
        {
            var max = double.NegativeInfinity;
            for (var a = 0; a < size; a++) max = Math.Max(max, x[(o * size + a) * inner + i]);
            double sum = 0;
            for (var a = 0; a < size; a++) sum += Math.Exp(x[(o * size + a) * inner + i] - max);
            for (var a = 0; a < size; a++) y[(o * size + a) * inner + i] = Math.Exp(x[(o * size + a) * inner + i] - max) / sum;
        }
        return y;
    }

    public static double[] L2Normalize(double[] x, int[] shape, int axis, double eps)
    {
        var (outer, size, inner) = Around(shape, axis);
        var y = new double[x.Length];
        for (var o = 0; o < outer; o++)
        for (var i = 0; i < inner; i++)
        {
            double sum = 0;
            for (var a = 0; a < size; a++) sum += x[(o * size + a) * inner + i] * x[(o * size + a) * inner + i];
            var norm = Math.Max(Math.Sqrt(sum), eps);
            for (var a = 0; a < size; a++) y[(o * size + a) * inner + i] = x[(o * size + a) * inner + i] / norm;
        }
        return y;
    }

    /// <summary>Bilinear resize with align_corners = false; the scale is computed in float as PyTorch does.</summary>
    public static double[] ResizeBilinear(double[] x, int planes, int h, int w, int oh, int ow)
    {
        var y = new double[planes * oh * ow];
        double scaleY = (float)h / oh, scaleX = (float)w / ow;
        for (var p = 0; p < planes; p++)
        for (var i = 0; i < oh; i++)
        for (var j = 0; j < ow; j++)
        {
            var sy = Math.Max((i + 0.5) * scaleY - 0.5, 0);
            var sx = Math.Max((j + 0.5) * scaleX - 0.5, 0);
            int y0 = Math.Min((int)sy, h - 1), x0 = Math.Min((int)sx, w - 1);
            int y1 = Math.Min(y0 + 1, h - 1), x1 = Math.Min(x0 + 1, w - 1);
            double ly = sy - y0, lx = sx - x0;
            double At(int yy, int xx) => x[(p * h + yy) * w + xx];
            y[(p * oh + i) * ow + j] = (1 - ly) * ((1 - lx) * At(y0, x0) + lx * At(y0, x1)) + ly * ((1 - lx) * At(y1, x0) + lx * At(y1, x1));
        }
        return y;
    }

    public static double[] AdaptiveAvgPool(double[] x, int planes, int h, int w, int oh, int ow)
    {
        var y = new double[planes * oh * ow];
        for (var p = 0; p < planes; p++)
        for (var i = 0; i < oh; i++)
        for (var j = 0; j < ow; j++)
        {
            int y0 = i * h / oh, y1 = ((i + 1) * h + oh - 1) / oh, x0 = j * w / ow, x1 = ((j + 1) * w + ow - 1) / ow;
            double sum = 0;
            for (var yy = y0; yy < y1; yy++)
            for (var xx = x0; xx < x1; xx++) sum += x[(p * h + yy) * w + xx];
            y[(p * oh + i) * ow + j] = sum / ((y1 - y0) * (x1 - x0));
        }
        return y;
    }

    public static double[] MaxPool(double[] x, int planes, int h, int w, int k, int stride, int pad)
    {
        int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
        var y = new double[planes * oh * ow];
        for (var p = 0; p < planes; p++)
        for (var i = 0; i < oh; i++)
        for (var j = 0; j < ow; j++)
        {
            var max = double.NegativeInfinity;
            for (var u = 0; u < k; u++)
            for (var v = 0; v < k; v++)
            {
                int yy = i * stride - pad + u, xx = j * stride - pad + v;
                if (yy >= 0 && yy < h && xx >= 0 && xx < w) max = Math.Max(max, x[(p * h + yy) * w + xx]);
            }
            y[(p * oh + i) * ow + j] = max;
        }
        return y;
    }

    /// <summary>The sine position code [d, h, w] of clustseg.md.</summary>
    public static double[] PositionCode(int d, int h, int w)
    {
        var code = new double[d * h * w];
        var half = d / 2;
        for (var c = 0; c < d; c++)
        for (var i = 0; i < h; i++)
        for (var j = 0; j < w; j++)
        {
            var local = c % half;
            var coordinate = c < half ? (i + 0.5) / h * 2 * Math.PI : (j + 0.5) / w * 2 * Math.PI;
            var frequency = Math.Pow(10000, 4.0 * (local / 2) / d);
            code[(c * h + i) * w + j] = local % 2 == 0 ? Math.Sin(coordinate / frequency) : Math.Cos(coordinate / frequency);
        }
        return code;
    }

    /// <summary>Swaps the last two dimensions of a batch of [rows, cols] matrices.</summary>
    public static double[] Transpose(double[] x, int batch, int rows, int cols)
    {
        var y = new double[x.Length];
        for (var b = 0; b < batch; b++)
        for (var r = 0; r < rows; r++)
        for (var c = 0; c < cols; c++) y[(b * cols + c) * rows + r] = x[(b * rows + r) * cols + c];
        return y;
    }

    /// <summary>
    /// Per head: logits = q kᵀ / sqrt(D/heads); softmax over keys (attention) or over clusters (EM step); attention
    /// returns weights·v, the EM step (weights·v) / (mass + eps).
    /// </summary>
    public static double[] HeadAttention(double[] q, double[] k, double[] v, int batch, int nq, int nk, int d, int dv, int heads, bool emStep, double eps = 0)
    {
        var y = new double[batch * nq * dv];
        int dh = d / heads, dvh = dv / heads;
        for (var b = 0; b < batch; b++)
        for (var h = 0; h < heads; h++)
        {
            var logits = new double[nq, nk];
            for (var i = 0; i < nq; i++)
            for (var j = 0; j < nk; j++)
            {
                double dot = 0;
                for (var c = 0; c < dh; c++) dot += q[(b * nq + i) * d + h * dh + c] * k[(b * nk + j) * d + h * dh + c];
                logits[i, j] = dot / Math.Sqrt(dh);
            }
            var weights = new double[nq, nk];
            for (var outerIndex = 0; outerIndex < (emStep ? nk : nq); outerIndex++)
            {
                var count = emStep ? nq : nk;
                double At(int a) => emStep ? logits[a, outerIndex] : logits[outerIndex, a];
                var max = Enumerable.Range(0, count).Max(At);
                var sum = Enumerable.Range(0, count).Sum(a => Math.Exp(At(a) - max));
                for (var a = 0; a < count; a++)
                {
                    if (emStep) weights[a, outerIndex] = Math.Exp(At(a) - max) / sum;
                    else weights[outerIndex, a] = Math.Exp(At(a) - max) / sum;
                }
            }
            for (var i = 0; i < nq; i++)
            {
                double mass = 0;
                for (var j = 0; j < nk; j++) mass += weights[i, j];
                for (var c = 0; c < dvh; c++)
                {
                    double sum = 0;
                    for (var j = 0; j < nk; j++) sum += weights[i, j] * v[(b * nk + j) * dv + h * dvh + c];
                    y[(b * nq + i) * dv + h * dvh + c] = emStep ? sum / (mass + eps) : sum;
                }
            }
        }
        return y;
    }
}
