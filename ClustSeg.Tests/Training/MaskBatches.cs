using ClustSeg.Runtime.Data.Training;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Training;

/// <summary>A rectangle painted into a test image: [X0, X1) x [Y0, Y1).</summary>
internal sealed record TestRegion(int ClassId, bool IsCrowd, int X0, int Y0, int X1, int Y1);

/// <summary>
/// Small hand-made training batches: stuff bands and thing rectangles (with odd edges, so 4x4 cells are partly
/// covered), a crowd rectangle and a void strip. Later regions are painted over earlier ones.
/// </summary>
internal static class MaskBatches
{
    public const int Size = 64;

    /// <summary>Classes of the test models: two things, then two stuff classes.</summary>
    public static readonly string[] ClassNames = ["thing0", "thing1", "stuff0", "stuff1"];
    public const int Things = 2;

    /// <summary>Scene 0 has both stuff classes, three things and a crowd; scene 1 only stuff0 and two things; scene 2 only stuff1.</summary>
    public static readonly TestRegion[][] Scenes =
    [
        [
            new(2, false, 0, 0, Size, 30), new(3, false, 0, 30, Size, Size),
            new(0, false, 5, 7, 27, 21), new(1, false, 33, 3, 58, 26), new(0, false, 10, 37, 41, 59), new(1, true, 45, 40, 60, 55),
        ],
        [
            new(2, false, 0, 0, Size, Size),
            new(1, false, 3, 3, 30, 31), new(0, false, 35, 22, 61, 50),
        ],
        [
            new(3, false, 0, 0, Size, Size),
        ],
    ];

    /// <summary>A batch of <paramref name="count"/> scenes from <paramref name="first"/> on; rows 60..63 of scene 0 are void (255).</summary>
    public static TrainingBatch Make(int count, int imageSeed = 1, int first = 0)
    {
        const int plane = Size * Size;
        var labels = new byte[count * plane];
        var instances = new List<IReadOnlyList<TrainingInstance>>();
        for (var n = 0; n < count; n++)
        {
            var owner = new int[plane];
            Array.Fill(owner, -1);
            var scene = Scenes[first + n];
            for (var r = 0; r < scene.Length; r++)
                for (var y = scene[r].Y0; y < scene[r].Y1; y++)
                    for (var x = scene[r].X0; x < scene[r].X1; x++)
                        owner[y * Size + x] = r;
            if (first + n == 0)
                for (var i = 60 * Size; i < plane; i++) owner[i] = -1;
            var list = new List<TrainingInstance>();
            for (var r = 0; r < scene.Length; r++)
            {
                var mask = owner.Select(o => o == r ? (byte)1 : (byte)0).ToArray();
                list.Add(new TrainingInstance(scene[r].ClassId, scene[r].IsCrowd, mask));
            }
            for (var i = 0; i < plane; i++) labels[n * plane + i] = owner[i] < 0 ? TrainingDataset.IgnoreLabel : (byte)scene[owner[i]].ClassId;
            instances.Add(list);
        }
        var images = Numerics.ToFloat(Numerics.Random(count * 3 * plane, imageSeed));
        return new TrainingBatch(count, Size, Size, images, labels, instances,
            Enumerable.Repeat((Size, Size), count).ToList(), Enumerable.Range(0, count).Select(n => $"scene{n}").ToList());
    }

    /// <summary>The fraction of each 4x4 cell that <paramref name="inside"/> holds for, in double.</summary>
    public static double[] CellFractions(Func<int, int, bool> inside)
    {
        const int cells = Size / 4;
        var result = new double[cells * cells];
        for (var y = 0; y < Size; y++)
            for (var x = 0; x < Size; x++)
                if (inside(y, x)) result[y / 4 * cells + x / 4] += 1.0 / 16;
        return result;
    }
}
