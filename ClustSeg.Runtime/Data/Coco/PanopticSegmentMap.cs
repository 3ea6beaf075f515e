using ClustSeg.Runtime.Imaging.Png;

namespace ClustSeg.Runtime.Data.Coco;

/// <summary>
/// A per-pixel segment-id map of a COCO panoptic PNG: id = R + 256 G + 256^2 B, 0 = void (unlabelled).
/// </summary>
public sealed class PanopticSegmentMap
{
    /// <summary>Creates a map from row-major ids (each below 2^24).</summary>
    public PanopticSegmentMap(int width, int height, int[] ids)
    {
        if (ids.Length != (long)width * height) throw new ArgumentException($"Expected {width}x{height} ids, got {ids.Length}.", nameof(ids));
        foreach (var id in ids)
            if (id is < 0 or >= 1 << 24) throw new ArgumentException($"Segment id {id} does not fit the 24-bit RGB encoding.", nameof(ids));
        Width = width;
        Height = height;
        Ids = ids;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Row-major segment ids; 0 is void.</summary>
    public int[] Ids { get; }

    /// <summary>Reads a panoptic PNG (8-bit RGB or RGBA; alpha is ignored as panopticapi does; palette images are expanded).</summary>
    public static PanopticSegmentMap Read(string path) => FromImage(PngDecoder.Decode(path), path);

    /// <summary>Converts a decoded PNG to segment ids; <paramref name="source"/> names it in errors.</summary>
    public static PanopticSegmentMap FromImage(PngImage image, string source)
    {
        if (image.BitDepth != 8 || image.ColorType is PngColorType.Gray or PngColorType.GrayAlpha)
            throw new DataFileException(source, $"a panoptic PNG must be 8-bit RGB (id = R + 256 G + 256^2 B); this one is {image.ColorType} {image.BitDepth}-bit.");
        var pixels = image.Width * image.Height;
        var ids = new int[pixels];
        if (image.ColorType == PngColorType.Palette)
        {
            byte[] rgb;
            try
            {
                rgb = image.ExpandPaletteToRgb();
            }
            catch (InvalidDataException e)
            {
                throw new DataFileException(source, e.Message, e);
            }
            for (var i = 0; i < pixels; i++) ids[i] = rgb[3 * i] | rgb[3 * i + 1] << 8 | rgb[3 * i + 2] << 16;
        }
        else
        {
            var channels = image.Channels;
            var samples = image.Samples;
            for (var i = 0; i < pixels; i++)
                ids[i] = samples[channels * i] | samples[channels * i + 1] << 8 | samples[channels * i + 2] << 16;
        }
        return new PanopticSegmentMap(image.Width, image.Height, ids);
    }

    /// <summary>The map as an 8-bit RGB PNG image in the COCO encoding.</summary>
    public PngImage ToPng()
    {
        var rgb = new byte[Ids.Length * 3];
        for (var i = 0; i < Ids.Length; i++)
        {
            rgb[3 * i] = (byte)Ids[i];
            rgb[3 * i + 1] = (byte)(Ids[i] >> 8);
            rgb[3 * i + 2] = (byte)(Ids[i] >> 16);
        }
        return PngImage.FromRgb8(Width, Height, rgb);
    }

    /// <summary>Pixel count of every id present (void included).</summary>
    public Dictionary<int, long> CountAreas()
    {
        var areas = new Dictionary<int, long>();
        foreach (var id in Ids) areas[id] = areas.GetValueOrDefault(id) + 1;
        return areas;
    }
}
