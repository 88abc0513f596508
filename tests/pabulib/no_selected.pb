META
key;value
description;Small replay without a selected column (hand-written test file)
country;Belgium
unit;Ixelles
instance;2022
num_projects;3
num_votes;4
budget;1000
vote_type;approval
rule;greedy
max_sum_cost;1000
PROJECTS
project_id;cost;name
a;600;Bibliothèque de rue
b;500;Compost collectif
c;300;Bancs
VOTES
voter_id;vote
x;a,c
y;a
z;b,c
w;c
