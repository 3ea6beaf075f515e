using System.Text.Json;
using ClustSeg.Runtime.Data.Coco;
using ClustSeg.Runtime.Imaging.Png;
using ClustSeg.Runtime.Metrics;
using ClustSeg.Tests.Data;

namespace ClustSeg.Tests.Metrics;

/// <summary>Scenarios scored by panopticapi's pq_compute (see Data/Fixtures/README.md); our numbers must be identical.</summary>
public class PanopticQualityOracleTests
{
    private static int[] Expand(JsonElement runs)
    {
        var values = runs.EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var ids = new List<int>();
        for (var i = 0; i < values.Length; i += 2) ids.AddRange(Enumerable.Repeat(values[i], values[i + 1]));
        return ids.ToArray();
    }

    private static double Number(JsonElement value) => value.ValueKind == JsonValueKind.Null ? double.NaN : value.GetDouble();

    [Fact]
    public void MatchesPqComputeOnGeneratedScenarios()
    {
        using var fixture = OracleFixture.Load("pq_cases.json");
        foreach (var scenario in fixture.RootElement.EnumerateArray())
        {
            using var temp = new TempFolder();
            var name = scenario.GetProperty("name").GetString()!;
            foreach (var image in scenario.GetProperty("images").EnumerateArray())
            {
                int id = image.GetProperty("id").GetInt32(), w = image.GetProperty("width").GetInt32(), h = image.GetProperty("height").GetInt32();
                PngEncoder.Write(temp.File($"gt/{id}.png"), new PanopticSegmentMap(w, h, Expand(image.GetProperty("gt_runs"))).ToPng());
                PngEncoder.Write(temp.File($"pred/{id}.png"), new PanopticSegmentMap(w, h, Expand(image.GetProperty("pred_runs"))).ToPng());
            }
            var gtJson = temp.File("gt.json", scenario.GetProperty("gt").GetRawText());
            var predJson = temp.File("pred.json", scenario.GetProperty("pred").GetRawText());
            var result = PanopticEvaluator.EvaluateFiles(gtJson, Path.Combine(temp.Path, "gt"), predJson, Path.Combine(temp.Path, "pred"));

            var expected = scenario.GetProperty("expected");
            foreach (var (group, score) in new[] { ("All", result.All), ("Things", result.Things), ("Stuff", result.Stuff) })
            {
                var e = expected.GetProperty(group);
                Assert.True(Number(e.GetProperty("pq")).Equals(score.Pq), $"{name} {group} PQ: expected {Number(e.GetProperty("pq")):R}, got {score.Pq:R}");
                Assert.Equal(Number(e.GetProperty("sq")), score.Sq);
                Assert.Equal(Number(e.GetProperty("rq")), score.Rq);
                Assert.Equal(e.GetProperty("n").GetInt32(), score.N);
            }
            foreach (var perClass in expected.GetProperty("per_class").EnumerateObject())
            {
                var c = result.PerClass.Single(x => x.CategoryId == int.Parse(perClass.Name));
                Assert.Equal(perClass.Value.GetProperty("pq").GetDouble(), c.Pq);
                Assert.Equal(perClass.Value.GetProperty("sq").GetDouble(), c.Sq);
                Assert.Equal(perClass.Value.GetProperty("rq").GetDouble(), c.Rq);
                var counts = expected.GetProperty("counts").GetProperty(perClass.Name).EnumerateArray().Select(v => v.GetInt32()).ToArray();
                Assert.Equal(counts, new[] { c.TruePositives, c.FalsePositives, c.FalseNegatives });
            }
        }
    }
}
