module meshbench/testbed/tools/pause

go 1.26
