// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of running campaigns with the fake scenario: local runs, resume,
 * failures recorded while the others finish, the program check, and
 * fedmoe-sweep's command line (dry run, exit codes, tables, Slurm script).
 */

#include "campaign-file.h"
#include "campaign-test-util.h"
#include "grid.h"
#include "local-runner.h"
#include "process.h"
#include "program-check.h"
#include "results.h"
#include "run-folder.h"
#include "slurm.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

using namespace fedmoe::campaign;

namespace
{

const std::string kFake = FEDMOE_FAKE_SCENARIO;
const std::string kSweep = FEDMOE_SWEEP;

bool
Exists(const std::string& path)
{
    struct stat st;
    return stat(path.c_str(), &st) == 0;
}

/// A campaign of the fake scenario: 2 policies x 2 distances x 2 seeds.
Campaign
FakeCampaign(const std::string& out, const std::string& extraFixed = "")
{
    return ParseCampaign(
        nlohmann::ordered_json::parse(R"({"program": ")" + kFake + R"(", "fixed": {"rounds": 3,
                                 "counter": ")"
                                      + out + R"(/counter.txt")" + extraFixed +
                                      R"(}, "sweep": {"policy": ["greedy", "random"],
                                  "distanceMax": [10, 30]}, "seeds": 2})"),
        out);
}

} // namespace

TEST(Runner, RunsEveryRunIntoItsFolder)
{
    const std::string out = test::ScratchDir();
    auto campaign = FakeCampaign(out);
    auto runs = ExpandGrid(campaign);
    std::ostringstream progress;
    LocalRunner runner(kFake, out, 3, progress);
    auto outcomes = runner.RunAll(runs);
    ASSERT_EQ(outcomes.size(), 8U);
    for (size_t i = 0; i < runs.size(); ++i)
    {
        EXPECT_EQ(outcomes[i].status, "ok") << runs[i].id;
        RunFolder folder(out, runs[i].id);
        EXPECT_TRUE(folder.IsComplete());
        EXPECT_TRUE(Exists(folder.Path() + "/params.json"));
        EXPECT_TRUE(Exists(folder.Path() + "/run.json"));
        EXPECT_NE(test::ReadText(folder.LogPath()).find("fake-scenario: policy="),
                  std::string::npos);
        auto params = nlohmann::json::parse(test::ReadText(folder.Path() + "/params.json"));
        EXPECT_EQ(params, runs[i].params);
        EXPECT_EQ(RunId(params), runs[i].id);
        EXPECT_EQ(folder.ReadRecord()["exit_code"], 0);
    }
    EXPECT_EQ(test::CountLines(out + "/counter.txt"), 8U);
    EXPECT_NE(progress.str().find("[8/8]"), std::string::npos) << progress.str();
    EXPECT_NE(progress.str().find("ETA"), std::string::npos) << progress.str();
}

TEST(Runner, ResumeRunsOnlyWhatIsMissing)
{
    const std::string out = test::ScratchDir();
    auto campaign = FakeCampaign(out);
    auto runs = ExpandGrid(campaign);
    std::ostringstream progress;
    LocalRunner runner(kFake, out, 2, progress);
    runner.RunAll(runs);
    ASSERT_EQ(test::CountLines(out + "/counter.txt"), 8U);

    // A stopped campaign: one run's folder gone, another's summary gone.
    ASSERT_EQ(std::system(("rm -rf '" + out + "/runs/" + runs[5].id + "'").c_str()), 0);
    ASSERT_EQ(std::remove((out + "/runs/" + runs[2].id + "/summary.json").c_str()), 0);
    test::WriteText(out + "/counter.txt", "");

    auto outcomes = runner.RunAll(runs);
    EXPECT_EQ(test::CountLines(out + "/counter.txt"), 2U) << test::ReadText(out + "/counter.txt");
    for (size_t i = 0; i < runs.size(); ++i)
    {
        EXPECT_EQ(outcomes[i].status, (i == 2 || i == 5) ? "ok" : "skipped") << i;
    }
    // Nothing left: a third pass runs nothing.
    runner.RunAll(runs);
    EXPECT_EQ(test::CountLines(out + "/counter.txt"), 2U);
}

TEST(Runner, AFailingRunIsRecordedAndTheOthersFinish)
{
    const std::string out = test::ScratchDir();
    auto campaign
        = ParseCampaign(nlohmann::ordered_json::parse(R"({"program": ")" + kFake +
                                                      R"(", "sweep": {"fail": [false, true],
                                          "policy": ["greedy", "random"]}, "seeds": 2})"),
                        out);
    auto runs = ExpandGrid(campaign);
    ASSERT_EQ(runs.size(), 8U);
    std::ostringstream progress;
    LocalRunner runner(kFake, out, 2, progress);
    auto outcomes = runner.RunAll(runs);
    size_t failed = 0;
    for (size_t i = 0; i < runs.size(); ++i)
    {
        const bool shouldFail = runs[i].params["fail"] == true;
        EXPECT_EQ(outcomes[i].status, shouldFail ? "failed" : "ok");
        RunFolder folder(out, runs[i].id);
        if (shouldFail)
        {
            ++failed;
            EXPECT_EQ(outcomes[i].exit.exitCode, 3);
            auto record = folder.ReadRecord();
            EXPECT_EQ(record["exit_code"], 3);
            EXPECT_EQ(record["status"], "failed");
            EXPECT_NE(record["error"].get<std::string>().find("exit code 3"), std::string::npos);
            EXPECT_NE(test::ReadText(folder.LogPath()).find("failing as asked"), std::string::npos);
        }
    }
    EXPECT_EQ(failed, 4U);
    EXPECT_NE(progress.str().find("FAILED"), std::string::npos);
    EXPECT_NE(progress.str().find("failed 4"), std::string::npos) << progress.str();

    CampaignResults results(campaign, runs, out);
    EXPECT_EQ(results.Count("ok"), 4U);
    EXPECT_EQ(results.Count("failed"), 4U);
    std::ostringstream csv;
    results.WriteCampaignCsv(csv);
    EXPECT_NE(csv.str().find(",true,greedy,1,failed,3,"), std::string::npos) << csv.str();
}

TEST(Runner, AProgramThatCannotStartIsAFailedRun)
{
    const std::string out = test::ScratchDir();
    auto campaign = ParseCampaign(nlohmann::ordered_json::parse(R"({"program": "x"})"), out);
    auto runs = ExpandGrid(campaign);
    std::ostringstream progress;
    LocalRunner runner(out + "/no-such-program", out, 1, progress);
    auto outcomes = runner.RunAll(runs);
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].status, "failed");
    EXPECT_EQ(outcomes[0].exit.exitCode, 127);
    EXPECT_NE(test::ReadText(RunFolder(out, runs[0].id).LogPath()).find("cannot start"),
              std::string::npos);
}

TEST(ProgramCheck, HelpFlagsAreParsed)
{
    auto flags = ParseHelpFlags("prog [Program Options]\n\nProgram Options:\n"
                                "    --rounds:   number of rounds [10]\n"
                                "    --policy:   random|greedy [random]\n"
                                "General Arguments:\n"
                                "    --PrintHelp:  Print this help message.\n"
                                "    --ns3::WifiPhy::TxPowerStart:  power [16]\n");
    EXPECT_EQ(flags, (std::set<std::string>{"rounds", "policy", "PrintHelp",
                                            "ns3::WifiPhy::TxPowerStart"}));
    // ns-3's --PrintGlobals format.
    EXPECT_EQ(ParseHelpFlags("Global values:\n    --RngRun=[1]\n        The substream index\n"),
              (std::set<std::string>{"RngRun"}));
}

TEST(ProgramCheck, UnknownFlagsAndProgramsAreNamed)
{
    const std::string out = test::ScratchDir();
    auto good = FakeCampaign(out);
    EXPECT_NO_THROW(CheckProgramFlags(good, kFake));
    auto bad = ParseCampaign(nlohmann::ordered_json::parse(
                                 R"({"program": "x", "sweep": {"polcy": ["greedy"]},
                                     "fixed": {"lossExponent": 3}})"),
                             out);
    try
    {
        CheckProgramFlags(bad, kFake);
        FAIL() << "no error";
    }
    catch (const CampaignError& e)
    {
        const std::string m = e.what();
        EXPECT_NE(m.find("does not take --polcy, --lossExponent"), std::string::npos) << m;
        EXPECT_NE(m.find("--policy"), std::string::npos) << "lists what is allowed: " << m;
        EXPECT_EQ(m.find("--PrintGlobals"), std::string::npos) << "not ns-3's own: " << m;
    }
    // Globals (from --PrintGlobals) and attribute paths are accepted.
    auto globals = ParseCampaign(nlohmann::ordered_json::parse(
                                     R"({"program": "x", "sweep": {"RngRun": [1, 2]},
                                         "fixed": {"ns3::WifiPhy::TxPowerStart": 10}})"),
                                 out);
    EXPECT_NO_THROW(CheckProgramFlags(globals, kFake));
    EXPECT_EQ(ResolveProgram(kFake, "/nonexistent"), kFake);
    const std::string binDir = kFake.substr(0, kFake.find_last_of('/'));
    EXPECT_EQ(ResolveProgram("fake-scenario", binDir), kFake) << "fedmoe- prefix is optional";
    try
    {
        ResolveProgram("no-such-scenario", binDir);
        FAIL() << "no error";
    }
    catch (const CampaignError& e)
    {
        const std::string m = e.what();
        EXPECT_NE(m.find("\"no-such-scenario\" not found"), std::string::npos) << m;
        EXPECT_NE(m.find("fedmoe-fake-scenario"), std::string::npos) << "lists programs: " << m;
    }
}

TEST(Sweep, BadCampaignFilesExitWithCode2AndAClearError)
{
    const std::string dir = test::ScratchDir();
    struct Case
    {
        std::string text;
        std::string mustContain;
    };
    const Case cases[] = {
        {R"({"program": ")" + kFake + R"(", "sweep": {"policy": []}})",
         "sweep.policy: the list is empty"},
        {R"({"program": "no-such-scenario"})", "program: \"no-such-scenario\" not found"},
        {R"({"program": ")" + kFake + R"(", "fixed": {"bandwidthScale": 2}})",
         "does not take --bandwidthScale"},
        {R"({"program": ")" + kFake + R"(", "seeds": 0})", "seeds: 0 is not allowed"},
    };
    for (const auto& c : cases)
    {
        test::WriteText(dir + "/c.json", c.text);
        std::string output;
        auto status = RunAndCapture({kSweep, dir + "/c.json", "--out", dir + "/out"}, output);
        EXPECT_EQ(status.exitCode, 2) << c.text << "\n" << output;
        EXPECT_NE(output.find("c.json: "), std::string::npos) << output;
        EXPECT_NE(output.find(c.mustContain), std::string::npos) << output;
        EXPECT_FALSE(Exists(dir + "/out/runs")) << "nothing ran";
    }
    std::string output;
    EXPECT_EQ(RunAndCapture({kSweep, dir + "/c.json", "--jobs", "0"}, output).exitCode, 2);
    EXPECT_NE(output.find("--jobs: \"0\" is not allowed"), std::string::npos) << output;
    EXPECT_EQ(RunAndCapture({kSweep, dir + "/c.json", "--frobnicate"}, output).exitCode, 2);
    EXPECT_NE(output.find("unknown option --frobnicate"), std::string::npos) << output;
}

TEST(Sweep, DryRunListsTheRunsAndRunsNothing)
{
    const std::string dir = test::ScratchDir();
    test::WriteText(dir + "/c.json", R"({"program": ")" + kFake + R"(", "fixed": {"counter": ")"
                                         + dir +
                                         R"(/counter.txt"},
                                         "sweep": {"policy": ["greedy", "random"]}, "seeds": 3})");
    std::string output;
    auto status
        = RunAndCapture({kSweep, dir + "/c.json", "--dry-run", "--out", dir + "/out"}, output);
    EXPECT_EQ(status.exitCode, 0) << output;
    EXPECT_NE(output.find("6 runs: 0 complete, 6 to run"), std::string::npos) << output;
    EXPECT_NE(output.find("--policy=random --seed=3 --outDir=" + dir + "/out/runs/"),
              std::string::npos)
        << output;
    EXPECT_FALSE(Exists(dir + "/counter.txt")) << "nothing ran";
    EXPECT_FALSE(Exists(dir + "/out/runs"));
}

TEST(Sweep, RunsTheCampaignAndWritesTablesAndPlots)
{
    const std::string dir = test::ScratchDir();
    test::WriteText(dir + "/c.json", R"({"program": ")" + kFake + R"(", "out": ")" + dir +
                                         R"(/out", "fixed": {"rounds": 4},
                                         "sweep": {"policy": ["greedy", "random"],
                                                   "distanceMax": {"from": 10, "to": 30,
                                                                   "step": 20}},
                                         "seeds": 2})");
    std::string output;
    auto status = RunAndCapture({kSweep, dir + "/c.json", "--jobs", "2"}, output);
    EXPECT_EQ(status.exitCode, 0) << output;
    EXPECT_NE(output.find("[8/8]"), std::string::npos) << output;
    const auto csv = test::ReadText(dir + "/out/campaign.csv");
    EXPECT_EQ(test::CountLines(dir + "/out/campaign.csv"), 9U) << csv;
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "run_id,policy,distanceMax,rounds,seed,status,exit_code,run_wall_time_s,"
              "final_accuracy,rounds_to_target,time_to_target_s,bytes.down,bytes.up,"
              "wall_time_s");
    const auto summary = test::ReadText(dir + "/out/campaign-summary.csv");
    // greedy, distance 10, seeds 1-2: final accuracy 0.41, 0.42 -> mean 0.415,
    // CI 12.706205 * 0.0070711 / sqrt(2) = 0.0635310.
    EXPECT_NE(summary.find("\ngreedy,10,4,2,0,0,0.415,0.06353102368,2,"), std::string::npos)
        << summary;
    EXPECT_TRUE(Exists(dir + "/out/plots/final_accuracy-vs-distanceMax.gp"));
    if (!FindInPath("gnuplot").empty())
    {
        EXPECT_TRUE(Exists(dir + "/out/plots/final_accuracy-vs-distanceMax.png"));
        EXPECT_TRUE(Exists(dir + "/out/plots/time_to_target_s-vs-distanceMax.png"));
    }
    // --collect rebuilds the same table without running anything.
    const auto before = csv;
    ASSERT_EQ(std::remove((dir + "/out/campaign.csv").c_str()), 0);
    EXPECT_EQ(RunAndCapture({kSweep, dir + "/c.json", "--collect"}, output).exitCode, 0) << output;
    EXPECT_EQ(test::ReadText(dir + "/out/campaign.csv"), before);
}

TEST(Sweep, FailedRunsGiveExitCode1)
{
    const std::string dir = test::ScratchDir();
    test::WriteText(dir + "/c.json",
                    R"({"program": ")" + kFake + R"(", "sweep": {"fail": [false, true]}})");
    std::string output;
    auto status = RunAndCapture({kSweep, dir + "/c.json", "--out", dir + "/out"}, output);
    EXPECT_EQ(status.exitCode, 1) << output;
    EXPECT_NE(output.find("1 of 2 runs failed"), std::string::npos) << output;
    EXPECT_EQ(test::CountLines(dir + "/out/campaign.csv"), 3U);
}

TEST(Slurm, ArrayScriptAndTaskRunTheSameRunFolders)
{
    const std::string out = test::ScratchDir();
    auto campaign = FakeCampaign(out);
    auto runs = ExpandGrid(campaign);
    SlurmOptions options;
    options.sweepProgram = kSweep;
    auto job = WriteSlurmJob(campaign, runs, kFake, out, options);
    EXPECT_EQ(job.taskCount, 8U);
    const auto script = test::ReadText(job.script);
    EXPECT_NE(script.find("#SBATCH --array=1-8\n"), std::string::npos) << script;
    EXPECT_NE(script.find("--slurm-task '" + job.tasks + "' \"$SLURM_ARRAY_TASK_ID\""),
              std::string::npos)
        << script;
    // What a Slurm task does, run by hand: task 3 runs run 3.
    std::string output;
    auto status = RunAndCapture({kSweep, "--slurm-task", job.tasks, "3"}, output);
    EXPECT_EQ(status.exitCode, 0) << output;
    EXPECT_TRUE(RunFolder(out, runs[2].id).IsComplete());
    EXPECT_FALSE(RunFolder(out, runs[1].id).IsComplete());
    EXPECT_EQ(RunAndCapture({kSweep, "--slurm-task", job.tasks, "9"}, output).exitCode, 1);
    EXPECT_NE(output.find("task 9 out of range (1..8)"), std::string::npos) << output;
}
