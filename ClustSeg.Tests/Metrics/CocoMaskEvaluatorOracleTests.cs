using ClustSeg.Runtime.Data.Coco;
using ClustSeg.Runtime.Metrics;
using ClustSeg.Tests.Data;

namespace ClustSeg.Tests.Metrics;

/// <summary>Scenarios scored by pycocotools' COCOeval (see Data/Fixtures/README.md); our numbers must be identical.</summary>
public class CocoMaskEvaluatorOracleTests
{
    [Fact]
    public void MatchesCocoevalOnGeneratedScenarios()
    {
        using var fixture = OracleFixture.Load("cocoeval_cases.json");
        using var temp = new TempFolder();
        foreach (var scenario in fixture.RootElement.EnumerateArray())
        {
            var name = scenario.GetProperty("name").GetString()!;
            var gtPath = temp.File(name + "_gt.json", scenario.GetProperty("gt").GetRawText());
            var resultsPath = temp.File(name + "_results.json", scenario.GetProperty("results").GetRawText());
            var gt = CocoInstancesDataset.Load(gtPath);
            var results = CocoInstanceResults.Load(resultsPath, gt);
            var evaluation = CocoMaskEvaluator.Evaluate(gt, results);
            var expected = scenario.GetProperty("stats").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            for (var i = 0; i < 12; i++)
                Assert.True(expected[i] == evaluation.Stats[i],
                    $"{name} {CocoMaskEvaluation.StatNames[i]}: cocoeval {expected[i]:R}, ours {evaluation.Stats[i]:R}");
            foreach (var category in scenario.GetProperty("category_ap").EnumerateObject())
                Assert.Equal(category.Value.GetDouble(), evaluation.CategoryAp(int.Parse(category.Name)));
        }
    }

    [Fact]
    public void ThresholdsAreNumpyLinspaceValues()
    {
        var p = new CocoEvalParameters();
        // np.linspace(.5, .95, 10) in float64, printed with repr().
        Assert.Equal(new[] { 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95 }, p.IouThresholds);
        Assert.Equal(101, p.RecallThresholds.Length);
        Assert.Equal(0.5700000000000001, p.RecallThresholds[57]);
        Assert.Equal(0.07, p.RecallThresholds[7]);
    }
}
