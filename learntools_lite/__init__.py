"""learntools_lite: instant, offline feedback for the convolution and pooling course.

``core`` holds the checker (binding, blanks, questions, feedback) and knows nothing of
computer vision; ``computer_vision`` holds the exercises, the image helpers and their data.
"""
