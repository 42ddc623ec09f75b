#pragma once

int runGui(int argc, char *argv[]);
