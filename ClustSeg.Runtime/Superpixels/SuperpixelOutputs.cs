using System.Text;
using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Imaging.Png;
using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Segmentation;

namespace ClustSeg.Runtime.Superpixels;

/// <summary>Writes superpixel results: a 16-bit label PNG, the image with boundaries drawn, and the labels as CSV.</summary>
public static class SuperpixelOutputs
{
    /// <summary>Writes labels as a 16-bit grayscale PNG (label = pixel value).</summary>
    /// <exception cref="ArgumentException">More than 65536 labels do not fit 16 bits.</exception>
    public static void WriteLabelPng(string path, LabelMap labels)
    {
        var values = new ushort[labels.PixelCount];
        for (var i = 0; i < values.Length; i++)
        {
            var label = labels.Labels[i];
            if (label is < 0 or > ushort.MaxValue)
                throw new ArgumentException($"Label {label} does not fit a 16-bit PNG; ask for fewer superpixels than 65536.");
            values[i] = (ushort)label;
        }
        AtomicFile.Write(path, stream => stream.Write(PngEncoder.Encode(PngImage.FromGray16(labels.Width, labels.Height, values))));
    }

    /// <summary>Writes the image with superpixel boundaries (a pixel whose right or lower neighbour differs) in red.</summary>
    public static void WriteBoundaryPng(string path, RgbImage image, LabelMap labels)
    {
        if (image.Width != labels.Width || image.Height != labels.Height)
            throw new ArgumentException($"Image {image.Width}x{image.Height} and labels {labels.Width}x{labels.Height} differ in size.");
        var rgb = (byte[])image.Pixels.Clone();
        int w = labels.Width, h = labels.Height;
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
        {
            var label = labels[y, x];
            var edge = (x + 1 < w && labels[y, x + 1] != label) || (y + 1 < h && labels[y + 1, x] != label);
            if (!edge) continue;
            var o = 3 * (y * w + x);
            rgb[o] = 255;
            rgb[o + 1] = 0;
            rgb[o + 2] = 0;
        }
        AtomicFile.Write(path, stream => stream.Write(PngEncoder.Encode(PngImage.FromRgb8(w, h, rgb))));
    }

    /// <summary>Writes labels as CSV: one line per image row, labels separated by commas.</summary>
    public static void WriteCsv(string path, LabelMap labels)
    {
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            var line = new StringBuilder();
            for (var y = 0; y < labels.Height; y++)
            {
                line.Clear();
                for (var x = 0; x < labels.Width; x++)
                {
                    if (x > 0) line.Append(',');
                    line.Append(labels[y, x]);
                }
                writer.WriteLine(line);
            }
        });
    }
}
