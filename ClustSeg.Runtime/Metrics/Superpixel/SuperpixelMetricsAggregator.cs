using ClustSeg.Runtime.Segmentation;

namespace ClustSeg.Runtime.Metrics.Superpixel;

/// <summary>
/// Averages superpixel scores over every annotator of every image (each (image, annotator) pair weighs the same,
/// as the benchmark's summary does). Safe to feed from several threads.
/// </summary>
public sealed class SuperpixelMetricsAggregator
{
    private readonly object _gate = new();
    private double _asa, _ue, _br, _co, _count;
    private int _images, _scores;

    /// <summary>Number of (image, annotator) scores added.</summary>
    public int ScoreCount
    {
        get { lock (_gate) return _scores; }
    }

    /// <summary>Number of images added through <see cref="AddImage"/>.</summary>
    public int ImageCount
    {
        get { lock (_gate) return _images; }
    }

    /// <summary>Adds one (image, annotator) score.</summary>
    public void Add(SuperpixelScores scores)
    {
        lock (_gate) Accumulate(scores);
    }

    /// <summary>Scores <paramref name="superpixels"/> against each annotator's segmentation and adds every score.</summary>
    public IReadOnlyList<SuperpixelScores> AddImage(LabelMap superpixels, IReadOnlyList<LabelMap> groundTruths)
    {
        var scores = SuperpixelMetrics.EvaluateEach(superpixels, groundTruths);
        lock (_gate)
        {
            foreach (var s in scores) Accumulate(s);
            _images++;
        }
        return scores;
    }

    /// <summary>The mean of every score added; throws when nothing was added.</summary>
    public SuperpixelScores Mean
    {
        get
        {
            lock (_gate)
            {
                if (_scores == 0)
                    throw new InvalidOperationException("No superpixel scores were added, so there is no mean.");
                double n = _scores;
                return new SuperpixelScores(_asa / n, _ue / n, _br / n, _co / n, _count / n);
            }
        }
    }

    private void Accumulate(SuperpixelScores s)
    {
        _asa += s.AchievableSegmentationAccuracy;
        _ue += s.UndersegmentationError;
        _br += s.BoundaryRecall;
        _co += s.Compactness;
        _count += s.SuperpixelCount;
        _scores++;
    }
}
