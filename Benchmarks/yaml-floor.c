/*
 * The floor for loading a seatctl file: parse it with libyaml's event API
 * and do nothing else (no tree, no strings kept). Every benchmark result is
 * also reported as a ratio to this program's time on the same file.
 *
 *   cc -O2 -o yaml-floor Benchmarks/yaml-floor.c -lyaml
 *   ./yaml-floor FILE      # prints the number of events
 */
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    FILE *file = fopen(argv[1], "rb");
    if (file == NULL) {
        perror(argv[1]);
        return 1;
    }
    /* Read the whole file first, as seatctl does. */
    if (fseek(file, 0, SEEK_END) != 0) { perror(argv[1]); return 1; }
    long size = ftell(file);
    if (size < 0 || fseek(file, 0, SEEK_SET) != 0) { perror(argv[1]); return 1; }
    unsigned char *bytes = malloc(size > 0 ? (size_t)size : 1);
    if (bytes == NULL || fread(bytes, 1, (size_t)size, file) != (size_t)size) {
        fprintf(stderr, "%s: cannot read\n", argv[1]);
        return 1;
    }
    fclose(file);

    yaml_parser_t parser;
    yaml_event_t event;
    if (!yaml_parser_initialize(&parser)) {
        fprintf(stderr, "cannot initialise libyaml\n");
        return 1;
    }
    yaml_parser_set_input_string(&parser, bytes, (size_t)size);
    unsigned long events = 0;
    for (;;) {
        if (!yaml_parser_parse(&parser, &event)) {
            fprintf(stderr, "%s:%lu:%lu: %s\n", argv[1], (unsigned long)parser.problem_mark.line + 1,
                    (unsigned long)parser.problem_mark.column + 1, parser.problem ? parser.problem : "error");
            yaml_parser_delete(&parser);
            return 1;
        }
        events++;
        int done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        if (done) break;
    }
    yaml_parser_delete(&parser);
    free(bytes);
    printf("%lu\n", events);
    return 0;
}
